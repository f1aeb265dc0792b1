"""Text and LaTeX printing of formulas."""

from sympy import Mul, Add, ceiling, floor

from symparams import dims, latex
from symparams.printing import text

H, W, C, d_model, n_heads, alpha = dims("H W C d_model n_heads alpha")


def test_text():
    assert text(floor(H / 32)) == "⌊H/32⌋"
    assert text(ceiling((H + 1) / 3)) == "⌈(H + 1)/3⌉"
    assert text(C * H**2 * W) == "C·H²·W"
    assert text(-2 * H) == "-2·H"
    assert text(H / (2 * W)) == "H/(2·W)"
    as_written = Mul(Add(Mul(5, 5, 32, evaluate=False), 1, evaluate=False), 64, evaluate=False)
    assert text(as_written, order="none") == "(5·5·32 + 1)·64"


def test_latex_names():
    assert latex(d_model) == r"d_{\mathrm{model}}"
    assert latex(n_heads * d_model) == r"d_{\mathrm{model}} n_{\mathrm{heads}}"
    assert latex(alpha) == r"\alpha"
    assert latex(dims("units")) == r"\mathrm{units}"
    assert latex(dims("in_channels")) == r"\mathrm{in\_channels}"
    assert latex(floor((H + 3) / 4)) == r"\left\lfloor{\frac{H + 3}{4}}\right\rfloor"
    assert latex(H, symbol_names={H: "h"}) == "h"


def test_latex_of_shapes():
    assert latex((H - 4, W - 4, 32)) == r"\left( H - 4, \  W - 4, \  32\right)"

"""symparams.parse: the restricted formula parser for untrusted text."""

import time

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from symparams import ParseError, dims, parse
from symparams.intmath import floor_div
from symparams.parsing import (
    MAX_ARGUMENTS, MAX_CALLS, MAX_DEPTH, MAX_EXPONENT, MAX_LENGTH, formula_text,
)

H, W, d = dims("H W d")
DIMS = [H, W, d]


@pytest.mark.parametrize("text, expected", [
    ("4*d", 4 * d),
    ("ceil(H/2)", sympy.ceiling(H / 2)),
    ("floor(H / 2) + 1", sympy.floor(H / 2) + 1),
    ("H // 2", floor_div(H, 2)),
    ("min(H, W) * max(d, 64)", sympy.Min(H, W) * sympy.Max(d, 64)),
    ("-H + +W - -d", -H + W + d),
    ("2**3**2", sympy.Integer(512)),   # right-associative, as in Python
    ("-2**2", sympy.Integer(-4)),      # ** binds tighter than unary minus
    ("2**-1", sympy.Rational(1, 2)),
    ("H/2", H / 2),                    # exact, never a float
    ("(H - 1) // 3 * 3", floor_div(H - 1, 3) * 3),
    ("d ** 2 // (d + 1)", sympy.floor(d ** 2 / (d + 1))),
    ("\t H *  W ", H * W),
    ("0", sympy.Integer(0)),
    ("2**H", 2 ** H),
])
def test_accepted_formulas(text, expected):
    assert parse(text, dims=DIMS) == expected


def test_names_resolve_to_the_given_symbols():
    other = sympy.Symbol("H")  # no assumptions: a different symbol from dims("H")
    assert parse("H", dims=[other]) is other
    assert parse("H", dims=[H]) is H


HOSTILE = [
    "__import__('os').system('touch {sentinel}')",
    "__import__",
    "().__class__.__bases__[0].__subclasses__()",
    "H.__class__",
    "lambda: 1",
    "(lambda x: x)(1)",
    "exec('1')", "eval('1')", "open('/etc/passwd')",
    "[x for x in range(10)]",
    "H if W else d",
    "H and W", "not H", "H < W", "H == W", "H % 2", "H @ W", "H ^ W", "~H", "H | W",
    "1.5", "1e5", "1E5", "1_000", "0x10", "0b1", "007", "1j", ".5", "5.",
    "nan", "inf", "oo", "zoo", "I", "pi", "E", "Symbol('x')", "sympify('1')",
    "'H'", '"H"', "H;W", "H\nW", "H,W", "H W", "f'{H}'", "b'1'", "\\", "#", "$H", "H!",
    "Ｈ", "٣", "Η", "é", "\x00", "H\x00",
    "x", "h", "floor", "floor(H, W)", "min(H)", "max()", "ceil()", "sqrt(H)", "log(H)",
    "Max(H, W)", "ceiling(H)", "abs(H)", "H(1)", "min(" + ", ".join(["H"] * (MAX_ARGUMENTS + 1)) + ")",
    "", " ", "(", ")", "()", "(H", "H)", "H +", "* H", "H ** ", "H // ", "H / 0", "H // 0",
    "0 ** -1", "1/(H - H)", "(-2) ** H", "(1/2) ** H", "2 ** (1/2)", "H ** H ** H ** 0.5",
    "9**9**9**9", "2**65", "10**10**10", "H ** 100", "(H+1)**64 * (H+1)",
    "*".join(["(H+W+1)"] * 70),
    "2**64 * 2**64 * 2**64 * 2**64 * 2**64",
    "1" * 100,
    "(" * 5000 + "1" + ")" * 5000,
    "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1),
    "-" * (MAX_DEPTH + 1) + "1",
    "2" + "**2" * (MAX_DEPTH + 1),
    "H" * (MAX_LENGTH + 1),
    "H+" * 2000 + "H",
    "max(" * 45 + "H" + "-d, W+1)" * 45,
    "floor(" * 45 + "H" + "/(W+1) - d)" * 45,
    "//".join(f"(H*W+{i}*d)" for i in range(2, 70)),
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_strings_fail_fast_with_parse_error_and_no_side_effect(template, tmp_path):
    sentinel = tmp_path / "pwned"
    text = template.replace("{sentinel}", str(sentinel))
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse(text, dims=DIMS)
    assert time.perf_counter() - start < 2.0
    assert not sentinel.exists()
    err = info.value
    assert isinstance(err, ValueError)
    assert err.text == text and err.position is not None and 0 <= err.position <= len(text)
    assert "\n" not in str(err).replace(repr(text), "")[:200] or "\n" in text


@pytest.mark.parametrize("text, message", [
    ("__import__('os')", "unknown function '__import__' (the functions are floor, ceil, min, "
                         "max) at position 0"),
    ("__import__", "unknown name '__import__' (declared: H, W, d) at position 0"),
    ("9**9**9**9", f"the exponent 387420489 is too large (at most {MAX_EXPONENT}"),
    ("H ** 100", "the exponent 100 is too large"),
    ("1.5", "a number must be a plain integer"),
    ("sqrt(H)", "unknown function 'sqrt'"),
    ("H / 0", "division by zero at position 2"),
    ("(" * 60 + "1" + ")" * 60, f"nests deeper than {MAX_DEPTH} levels"),
    ("H" * 2000, f"at most {MAX_LENGTH} characters"),
    ("floor(" * 10 + "H" + ")" * 10, f"at most {MAX_CALLS} times"),
    ("H.x", "unexpected character '.' at position 1"),
])
def test_messages_name_the_problem_and_the_position(text, message):
    with pytest.raises(ParseError, match=None) as info:
        parse(text, dims=DIMS)
    assert message in str(info.value)


def test_non_strings_and_bad_dims_are_our_errors():
    with pytest.raises(ParseError):
        parse(3)
    with pytest.raises(ParseError):
        parse(b"H", dims=DIMS)
    with pytest.raises(TypeError):  # ArgumentTypeError
        parse("H", dims="H")
    with pytest.raises(TypeError):
        parse("H", dims=[1])


def test_without_dims_only_integers():
    assert parse("2*(3+4)//5") == 2
    with pytest.raises(ParseError, match="declared: none"):
        parse("H")


# -- hypothesis: a grammar of valid formulas, built both as text and as SymPy --------------------

_leaf = st.one_of(
    st.integers(min_value=0, max_value=10 ** 6).map(lambda n: (str(n), sympy.Integer(n))),
    st.sampled_from([("H", H), ("W", W), ("d", d)]),
)


def _combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
        lambda t: (f"({t[0][0]}) {t[1]} ({t[2][0]})",
                   {"+": t[0][1] + t[2][1], "-": t[0][1] - t[2][1],
                    "*": t[0][1] * t[2][1]}[t[1]]))
    divide = st.tuples(children, st.integers(min_value=1, max_value=9)).map(
        lambda t: (f"({t[0][0]}) / {t[1]}", t[0][1] / t[1]))
    floor_divide = st.tuples(children, st.integers(min_value=1, max_value=9)).map(
        lambda t: (f"({t[0][0]}) // {t[1]}", floor_div(t[0][1], t[1])))
    power = st.tuples(children, st.integers(min_value=0, max_value=3)).map(
        lambda t: (f"({t[0][0]}) ** {t[1]}", t[0][1] ** t[1]))
    unary = children.map(lambda c: (f"-({c[0]})", -c[1]))
    function = st.tuples(st.sampled_from(["floor", "ceil"]), children).map(
        lambda t: (f"{t[0]}({t[1][0]})",
                   (sympy.floor if t[0] == "floor" else sympy.ceiling)(t[1][1])))
    extremum = st.tuples(st.sampled_from(["min", "max"]), children, children).map(
        lambda t: (f"{t[0]}({t[1][0]}, {t[2][0]})",
                   (sympy.Min if t[0] == "min" else sympy.Max)(t[1][1], t[2][1])))
    return st.one_of(binary, divide, floor_divide, power, unary, function, extremum)


_formulas = st.recursive(_leaf, _combine, max_leaves=6)


@settings(deadline=None, max_examples=150)
@given(_formulas)
def test_valid_formulas_read_as_built(pair):
    text, expected = pair
    try:
        parsed = parse(text, dims=DIMS)
    except ParseError as err:  # only the documented bounds may refuse a valid formula
        assert "at most" in err.message or "too large" in err.message, err
        return
    assert parsed == expected


@settings(deadline=None, max_examples=150)
@given(_formulas)
def test_formula_text_reads_back(pair):
    _, expr = pair
    try:
        again = parse(formula_text(expr), dims=DIMS)
    except ParseError as err:
        assert "at most" in err.message or "too large" in err.message, err
        return
    assert again == expr


_garbage_alphabet = st.sampled_from(list("Hdw019+-*/()., _'\"[]{}:;=<>!@#$%^&|~`\\\t\n") +
                                    ["**", "//", "floor(", "min(", "__", "lambda", "import",
                                     "é", "٣", "\x00"])


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(max_size=60), st.lists(_garbage_alphabet, max_size=40).map("".join)))
def test_garbage_raises_nothing_but_parse_error(text):
    start = time.perf_counter()
    try:
        result = parse(text, dims=DIMS)
    except ParseError:
        pass
    else:
        assert isinstance(result, sympy.Expr)
    assert time.perf_counter() - start < 2.0

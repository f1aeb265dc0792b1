"""The LaTeX symparams writes compiles with a real engine (pdflatex), as a paper would use it.

`.ci/run` installs pdflatex (TeX Live) when it is missing; elsewhere the test is skipped
when no engine is on the PATH.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from symparams import dims
from symparams.examples import gpt2, reference_cnn
from symparams.zoo import hf, torchvision
from symparams.zoo import keras as zoo

H, W = dims("H W")

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                reason="no pdflatex here (.ci/run installs it)")

PREAMBLE = r"""\documentclass{article}
\usepackage[landscape, margin=1cm]{geometry}
\usepackage{amsmath}
\usepackage{booktabs}
\begin{document}
"""


def compile_latex(body: str, tmp_path) -> None:
    source = tmp_path / "paper.tex"
    source.write_text(PREAMBLE + body + "\n\\end{document}\n")
    run = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode",
                          source.name], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 0


def test_summaries_and_explanations_compile(tmp_path):
    """Zoo models' symbolic summaries (Keras and torchvision ResNet-50, BERT), GPT-2's with its
    tied head, and the reference case's derivation, in one document."""
    parts = [zoo.ResNet50(include_top=False, input_shape=(H, W, 3)).summary().to_latex(),
             torchvision.resnet50().summary().to_latex(),
             hf.BertForMaskedLM().summary().to_latex(),
             hf.LlamaForCausalLM(num_hidden_layers=dims("L")).summary().to_latex(),
             gpt2().summary().to_latex(),
             reference_cnn().explain().to_latex()]
    compile_latex("\n\n\\clearpage\n".join(parts), tmp_path)

"""The documentation site builds with warnings as errors, and every example on it runs.

pytest collects the pages' doctests with the rest (``--doctest-glob=*.md``); this file adds
what a doctest cannot check: the strict MkDocs build (navigation, links and anchors), that
every Python block on the pages is a doctest (so none escapes the tests), that the sweep
script prints what its page shows, and that the LaTeX how-to's paper compiles.
"""

from __future__ import annotations

import importlib.util
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def test_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install -e '.[test]')")
    pytest.importorskip("material", reason="mkdocs-material is not installed "
                                           "(pip install -e '.[test]')")
    site = tmp_path / "site"
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, run.stderr[-4000:]
    assert "WARNING" not in run.stderr, run.stderr[-4000:]
    for page in PAGES:
        relative = page.relative_to(DOCS).with_suffix("")
        built = site / ("index.html" if relative.name == "index" else relative / "index.html")
        assert built.is_file(), f"{page.name} was not built"
    assert (site / "img" / "gpt2-table.png").is_file()


@pytest.mark.parametrize("page", [*PAGES, ROOT / "README.md"], ids=lambda p: p.name)
def test_every_python_block_runs_as_a_doctest(page):
    text = page.read_text(encoding="utf-8")
    for language, body in FENCE.findall(text):
        if language == "python":
            assert body.startswith(">>>") or body.startswith('--8<-- "examples/'), \
                f"{page.name}: a Python block that is neither a doctest nor a tested script:\n{body}"
        if ">>>" in body:
            assert language == "python", f"{page.name}: a doctest in a ```{language} block"
            assert body.endswith("\n\n"), f"{page.name}: a doctest needs a blank line before ```"
    outside = FENCE.sub("", text)
    assert not re.search(r"^>>>", outside, re.M), \
        f"{page.name}: a doctest outside a ```python block does not render as code"


def test_sweep_script_prints_what_its_page_shows(capsys):
    runpy.run_path(str(ROOT / "examples" / "sweep_gpt2.py"), run_name="__main__")
    shown = (DOCS / "howto" / "sweep_gpt2.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().out == shown, \
        "docs/howto/sweep_gpt2.txt is stale: python examples/sweep_gpt2.py > docs/howto/sweep_gpt2.txt"


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="no pdflatex here (.ci/run installs it)")
def test_the_latex_howto_paper_compiles(tmp_path):
    spec = importlib.util.spec_from_file_location("make_latex_figure",
                                                  DOCS / "make_latex_figure.py")
    figure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(figure)
    assert r"\input{gpt2-params.tex}" in figure.paper()
    assert figure.compile_paper(tmp_path).stat().st_size > 0

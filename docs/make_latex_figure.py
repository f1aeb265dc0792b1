"""Compile the paper of docs/howto/latex.md and draw it as docs/img/gpt2-table.png.

Run ``python docs/make_latex_figure.py`` after a change to the table's LaTeX (needs
``pdflatex`` and ``pdftoppm``, from poppler-utils). ``tests/test_docs_site.py`` compiles
the same document with :func:`compile_paper` wherever ``pdflatex`` is installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).parent
PAGE = DOCS / "howto" / "latex.md"
IMAGE = DOCS / "img" / "gpt2-table.png"


def paper() -> str:
    """The page's ```latex block: the document that inputs the table."""
    return re.search(r"```latex\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S).group(1)


def table() -> str:
    """The table, made as the page makes it."""
    from symparams import latex
    from symparams.examples import gpt2
    return latex(gpt2().summary(), mul_symbol="dot")


def compile_paper(folder: Path) -> Path:
    """Write paper.tex and gpt2-params.tex into ``folder``, run pdflatex, return the PDF."""
    (folder / "paper.tex").write_text(paper(), encoding="utf-8")
    (folder / "gpt2-params.tex").write_text(table(), encoding="utf-8")
    run = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "paper.tex"],
                         cwd=folder, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise RuntimeError(f"pdflatex failed:\n{run.stdout[-3000:]}")
    return folder / "paper.pdf"


def main() -> int:
    from PIL import Image, ImageChops

    with tempfile.TemporaryDirectory() as folder:
        pdf = compile_paper(Path(folder))
        subprocess.run(["pdftoppm", "-png", "-r", "160", "-singlefile", str(pdf),
                        str(Path(folder) / "page")], check=True)
        page = Image.open(Path(folder) / "page.png").convert("L")
        body = page.crop((0, 0, page.width, page.height * 8 // 10))  # above the page number
        box = ImageChops.invert(body).getbbox()  # the ink: the table and its caption
        margin = 12
        crop = page.crop((box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin))
        IMAGE.parent.mkdir(exist_ok=True)
        crop.save(IMAGE, optimize=True)
    print(f"wrote {IMAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

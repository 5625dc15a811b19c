"""Run the ```python blocks of a Markdown page, as a reader would, and list the figures it shows.

A page's blocks share one namespace (like a reader's session). A block the reader
is asked to save as a file is marked ``<!-- file: NAME -->`` on the line before it
and written to ``OUT/NAME`` first; a ```python block inside an HTML comment runs
too but is not shown (it checks the shell commands the page shows). Two names are
given to them: ``OUT``, a scratch directory, and ``FIGURES``, where the page
saves the figures it shows. A page shows a figure as
``![caption](../figures/tutorials/NAME.png)``; the tests run every page with
``FIGURES`` in a temporary directory and check each shown figure was made,
and ``tools/render_doc_figures.py`` runs them with ``FIGURES`` in docs/figures
to refresh the committed images.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import matplotlib

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
FILE = re.compile(r"<!-- file: ([\w.-]+) -->\n```\w*\n(.*?)```", re.S)
SHOWN = re.compile(r"!\[[^\]]*\]\((?:\.\./)*figures/(?:tutorials/)?([\w.-]+\.png)\)")


def pages() -> list[Path]:
    """README.md and every page of docs/ that has Python blocks."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [f for f in files if BLOCK.search(f.read_text(encoding="utf-8"))]


def code_of(page: Path) -> str:
    """The page's Python blocks, with every other line blanked so tracebacks give page line numbers."""
    lines, inside = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```python" and not inside
            lines.append("")
        else:
            lines.append(line if inside else "")
    return "\n".join(lines)


def shown_figures(page: Path) -> list[str]:
    """File names of the generated figures the page shows (those under figures/tutorials/)."""
    text = page.read_text(encoding="utf-8")
    return [m.group(1) for m in SHOWN.finditer(text) if "figures/tutorials/" in m.group(0)]


def run_page(page: Path, out: Path, figures: Path) -> dict:
    """Execute the page's blocks in the repository root; returns the namespace."""
    matplotlib.use("Agg")
    out.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    for name, text in FILE.findall(page.read_text(encoding="utf-8")):  # files the page asks the reader to save
        (out / name).write_text(text, encoding="utf-8")
    namespace = {"__name__": "__docs__", "OUT": out, "FIGURES": figures}
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        exec(compile(code_of(page) + "\n__reached_the_end__ = True\n", str(page), "exec"), namespace)
    finally:
        os.chdir(here)
        import matplotlib.pyplot as plt
        plt.close("all")
    return namespace

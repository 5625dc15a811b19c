"""Run the ```python blocks of a Markdown page exactly as a reader would, and list the figures it shows.

A reader copies a page's visible blocks, in order, into one Python session started in the repository
root. The test does the same: the visible blocks go, in order, to a *fresh* interpreter (``python -c``,
like an interactive session: no main file for worker processes to re-import) whose working
directory is a scratch folder standing in for the repository root (``problems/`` and ``examples/`` are
links to the real ones). Nothing is defined for the page: a name it uses and does not define fails.

A block the reader is asked to save as a file is marked ``<!-- file: NAME -->`` on the line before it
and written to the scratch folder first. A ```python block inside an HTML comment is not shown: it
checks what the page shows (its shell commands, say) and runs afterwards in a second fresh interpreter,
in the same folder, relying on nothing of the visible blocks but the files they wrote.

A page shows a figure it draws as ``![caption](../figures/tutorials/NAME.png)`` and saves it as
``NAME.png`` in the working directory; the tests check each shown figure was made, and
``tools/render_doc_figures.py`` copies them to docs/figures/tutorials/ to refresh the committed images.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
FILE = re.compile(r"<!-- file: ([\w.-]+) -->\n```\w*\n(.*?)```", re.S)
SHOWN = re.compile(r"!\[[^\]]*\]\((?:\.\./)*figures/(?:tutorials/)?([\w.-]+\.png)\)")
LINKED = ("problems", "examples")  # what a page reads from the repository root


def pages() -> list[Path]:
    """README.md and every page of docs/ that has Python blocks."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [f for f in files if BLOCK.search(f.read_text(encoding="utf-8"))]


def code_of(page: Path, hidden: bool = False) -> str:
    """The page's visible Python blocks (or, with ``hidden``, those inside HTML comments), every other
    line blanked so that a traceback gives the page's line numbers."""
    lines, inside, in_comment = [], False, False
    for line in page.read_text(encoding="utf-8").splitlines():
        keep = False
        if line.startswith("```"):
            inside = line.strip() == "```python" and not inside
        elif inside:
            keep = in_comment == hidden
        if not inside:
            if "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
                in_comment = True
            elif "-->" in line:
                in_comment = False
        lines.append(line if keep else "")
    return "\n".join(lines)


def shown_figures(page: Path) -> list[str]:
    """File names of the generated figures the page shows (those under figures/tutorials/)."""
    text = page.read_text(encoding="utf-8")
    return [m.group(1) for m in SHOWN.finditer(text) if "figures/tutorials/" in m.group(0)]


class PageFailed(AssertionError):
    """A page's code failed as a reader would see it fail."""


def run_page(page: Path, folder: Path, timeout_s: float = 900) -> Path:
    """Run the page's visible blocks, then its hidden checks, in ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        if not (folder / name).exists():
            (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    for name, text in FILE.findall(page.read_text(encoding="utf-8")):  # files the page asks the reader to save
        (folder / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    for hidden in (False, True):
        code = code_of(page, hidden)
        if not code.strip():
            continue
        done = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
                              timeout=timeout_s)
        if done.returncode != 0:
            where = "hidden check" if hidden else "visible code"
            tail = "\n".join(done.stderr.strip().splitlines()[-25:]).replace('File "<string>"', f'File "{page}"')
            name = page.relative_to(ROOT) if page.is_relative_to(ROOT) else page
            raise PageFailed(f"{name}: its {where} failed as a reader would see it:\n{tail}")
    return folder

"""Every ```python block of README.md and docs/ runs (in the repository root)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def blocks():
    for f in FILES:
        code = BLOCK.findall(f.read_text(encoding="utf-8"))
        if code:  # the blocks of one page share a namespace, like a reader's session
            yield pytest.param(f, "\n".join(code), id=str(f.relative_to(ROOT)))


@pytest.mark.parametrize("path,code", list(blocks()))
def test_markdown_python_blocks_run(path, code, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    namespace = {"__name__": "__docs__", "OUT": tmp_path}
    exec(compile(code + "\n__reached_the_end__ = True\n", str(path), "exec"), namespace)
    assert namespace["__reached_the_end__"]  # every block of the page ran to its last line

"""Every ```python block of README.md and docs/ runs exactly as a reader sees it (visible blocks in order,
in a fresh interpreter, nothing predefined), and every generated figure a page shows is drawn."""

import pytest

from tools.markdown_pages import ROOT, code_of, pages, run_page, shown_figures


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_python_blocks_run(page, tmp_path):
    folder = run_page(page, tmp_path / "reader")
    for name in shown_figures(page):
        figure = folder / name
        assert figure.exists(), f"{page.name} shows figures/tutorials/{name} but its code did not draw it"
        assert figure.stat().st_size > 5000, f"{name} is nearly empty"


def test_every_tutorial_has_figures():
    for page in sorted((ROOT / "docs" / "tutorials").glob("*.md")):
        if page.name != "index.md":
            assert shown_figures(page), f"{page.name} shows no figure its code draws"


def test_the_runner_hides_nothing_a_reader_needs(tmp_path):
    """A page whose visible code uses a name defined only in a hidden block fails, as it would for a reader."""
    page = tmp_path / "page.md"
    page.write_text("<!--\n```python\nsecret = 1\n```\n-->\n\n```python\nprint(secret)\n```\n")
    assert code_of(page).strip() == "print(secret)" and code_of(page, hidden=True).strip() == "secret = 1"
    with pytest.raises(AssertionError, match="NameError: name 'secret' is not defined"):
        run_page(page, tmp_path / "reader")

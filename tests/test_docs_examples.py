"""Every ```python block of README.md and docs/ runs, and every generated figure a page shows is drawn."""

import pytest

from tools.markdown_pages import ROOT, pages, run_page, shown_figures


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_python_blocks_run(page, tmp_path):
    namespace = run_page(page, tmp_path / "out", tmp_path / "figures")
    assert namespace["__reached_the_end__"]  # every block of the page ran to its last line
    for name in shown_figures(page):
        figure = tmp_path / "figures" / name
        assert figure.exists(), f"{page.name} shows figures/tutorials/{name} but its code did not draw it"
        assert figure.stat().st_size > 5000, f"{name} is nearly empty"


def test_every_tutorial_has_figures():
    for page in sorted((ROOT / "docs" / "tutorials").glob("*.md")):
        if page.name != "index.md":
            assert shown_figures(page), f"{page.name} shows no figure its code draws"

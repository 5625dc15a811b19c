"""Re-run pages as a reader would and copy the figures they show into docs/figures/tutorials/.

    python tools/render_doc_figures.py [PAGE ...]     (default: every page under docs/tutorials)

The tests run the same code in a scratch folder and check the figures, so a committed figure is always
one the page's own code draws.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.markdown_pages import ROOT, run_page, shown_figures  # noqa: E402

FIGURES = ROOT / "docs" / "figures" / "tutorials"


def main(args: list[str]) -> int:
    targets = [Path(a).resolve() for a in args] or sorted((ROOT / "docs" / "tutorials").glob("*.md"))
    FIGURES.mkdir(parents=True, exist_ok=True)
    for page in targets:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as scratch:
            run_page(page, Path(scratch))
            missing = []
            for name in shown_figures(page):
                made = Path(scratch) / name
                if made.exists():
                    shutil.copyfile(made, FIGURES / name)
                else:
                    missing.append(name)
        print(f"{page.relative_to(ROOT)}: {time.perf_counter() - t0:.1f} s"
              + (f", MISSING {missing}" if missing else f", {len(shown_figures(page))} figures"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

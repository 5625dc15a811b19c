"""The documentation site builds in mkdocs strict mode: a broken link, a missing figure or an API
reference entry that does not resolve fails the test suite, and so CI."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_docs_build_strict(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    metrics = (site / "reference" / "metrics" / "index.html").read_text(encoding="utf-8")
    for name in ("sinr", "sensing_sinr", "angle_crb.angle_crb", "position_crlb.position_crlb", "backhaul_load"):
        assert f'id="isacopt.metrics.{name}"' in metrics, name                        # rendered from docstrings
    for page in ("getting-started", "tutorials/first-beamformer", "howto/planner", "theory/symbols"):
        assert (site / page / "index.html").exists(), page


def test_every_page_is_in_the_navigation():
    import yaml

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))["nav"]

    def pages(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from pages(value)

    listed = set(pages(nav))
    on_disk = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert on_disk == listed

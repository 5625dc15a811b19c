"""Every script in examples/ runs from the repository root as a user would run it, and does its job."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.py"))


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, f"examples/{script}", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_every_example_is_covered_here():
    assert set(EXAMPLES) == {"planner_stream.py", "tradeoff_curve.py", "network_sweep.py"}


def test_planner_stream_resolves_every_step_without_recompiling(tmp_path):
    done = run("planner_stream.py", "--steps", "4", "--log", str(tmp_path / "steps.jsonl"))
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stdout.splitlines() if line.strip()[:1].isdigit() and "steps:" not in line]
    assert len(steps) == 4 and all(line.rstrip().endswith("False") for line in steps)   # compiled once, up front
    assert len((tmp_path / "steps.jsonl").read_text().splitlines()) == 4


def test_planner_stream_falls_back_when_a_step_is_infeasible():
    done = run("planner_stream.py", "--steps", "1", "--sinr-db", "40")
    assert done.returncode == 0, done.stderr
    assert "fallback" in done.stdout


def test_tradeoff_curve_draws_a_monotone_curve(tmp_path):
    done = run("tradeoff_curve.py", "--points", "4", "--out", str(tmp_path / "t.png"))
    assert done.returncode == 0, done.stderr
    gains = [float(line.split()[-2]) for line in done.stdout.splitlines() if line.startswith("SINR target")]
    assert len(gains) == 4 and all(a >= b - 1e-6 for a, b in zip(gains, gains[1:]))
    assert (tmp_path / "t.png").stat().st_size > 10_000


@pytest.mark.parametrize("workers", ["2"])
def test_network_sweep_runs_and_resumes(tmp_path, workers):
    args = ("--out", str(tmp_path / "crlb"), "--snapshots", "3", "--workers", workers)
    first = run("network_sweep.py", *args)
    assert first.returncode == 0, first.stderr
    assert "18 snapshots stored now, 0 already stored" in first.stdout
    again = run("network_sweep.py", *args)
    assert "0 snapshots stored now, 18 already stored" in again.stdout
    assert (tmp_path / "crlb" / "report.png").exists()

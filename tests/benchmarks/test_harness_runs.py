"""The benchmark harness runs from a checkout and reports every ratio (no timing is asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_reports_every_ratio(tmp_path):
    out = tmp_path / "bench.json"
    r = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    size = data["sizes"][0]
    for key in ("overhead",):
        assert size["first"][key] > 0 and size["resolve"][key] > 0
    assert size["resolve"]["recompiled"] is False
    assert size["same_optimum_rel"] < 1e-5  # the plain script solves the same problem to the same optimum
    assert size["subspace"]["same_optimum_rel"] < 1e-5 and size["subspace"]["resolve"]["status"] == "optimal"
    assert all(s["exponent"] == s["exponent"] for s in data["scaling"])
    assert [s["workers"] for s in data["sweep"]] == [1, 2]
    for word in ("overh.", "relaxation='subspace'", "exponent", "snapshots/s", "parallel efficiency", "speedup",
                 "plain numpy", "CooperativeISAC", "cluster search"):
        assert word in r.stdout
    # the snapshot evaluation: every case timed, the MRT ones against the plain numpy script (numbers checked)
    snapshots = {row["case"]: row for row in data["snapshot_evaluation"]}
    assert {"250-bs-mrt", "seed-window-mrt"} <= set(snapshots)
    assert all(row["default_s"] > 0 for row in snapshots.values())
    assert snapshots["seed-window-mrt"]["plain_numpy_s"] > 0 and snapshots["seed-window-mrt"]["target_s"] == 0.005
    assert data["companions"]["cooperative"] and data["companions"]["refreshed"] is False


def test_quick_selection_benchmark_reports_counts_and_gaps(tmp_path):
    out = tmp_path / "selection.json"
    r = subprocess.run([sys.executable, "benchmarks/selection.py", "--quick", "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    row = json.loads(out.read_text())["small"][0]
    assert row["branch_and_bound"]["convex_solves"] < row["exhaustive"]["convex_solves"]
    assert abs(row["bnb_vs_exhaustive"]) < 1e-4 and row["greedy_gap"] >= -1e-6
    assert "greedy gap" in r.stdout and "B&B solves" in r.stdout


def test_study_estimate_draws_rows_from_every_design(tmp_path):
    out = tmp_path / "estimate.json"
    r = subprocess.run([sys.executable, "benchmarks/study_estimate.py", "tests/sweep/tiny.yaml", "--rows", "2",
                        "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["designs"] and all(d["drawn"] == min(2, d["tasks"]) for d in data["designs"].values())
    for d in data["designs"].values():  # the row time is the drawn mean times the design's tasks
        assert abs(d["row_time_h"] - d["tasks"] * d["row_s"] / 3600) < 1e-12
    assert "on two workers" in r.stdout

"""Snapshots per point from the precision asked for (sweep/precision.py).

- The stopping rule (the module's own ``predicted_count`` on the report's plain interval), run on skewed
  snapshots with a known mean, covers the mean about 95 % of the time and stops within the width asked:
  the fixed-width sequential interval keeps its coverage.
- A sweep with a ``precision`` block stops each point where its interval is narrow enough (noisier points
  run longer), stores rows identical to a fixed-count run's for the same snapshots, records the plan (the
  report counts a point complete at its planned count), and a rerun stores nothing.
"""

import math

import numpy as np
import pytest
import yaml

from isacopt.errors import ValidationError
from isacopt.sweep import ResultStore, load_sweep, run_sweep, summarise
from isacopt.sweep.precision import first_plan, next_plan, predicted_count
from isacopt.sweep.report import mean_ci
from tests.sweep.conftest import TINY, stored_rows

TRUE_MEAN = 2.0


def _sequential(rng, relative: float, first: int, cap: int) -> tuple[float, float, int]:
    """Draw snapshots (gamma, coefficient of variation 0.9, like a 1.5 km window's ASE) in rounds as a sweep
    does, until ``predicted_count`` says the interval is narrow enough."""
    shape = 1 / 0.9**2
    x = rng.gamma(shape, TRUE_MEAN / shape, size=cap)
    n = first
    while True:
        m, h = mean_ci(x[:n])
        want = predicted_count(n, {"comm_ase": m, "comm_ase_ci95": h, "ok": n}, ["comm_ase"], relative, 1.1)
        if want is None or n == cap:
            return m, h, n
        n = min(want, cap)


def test_the_stopping_rule_keeps_its_coverage_and_width():
    rng = np.random.default_rng(11)
    reps, relative = 500, 0.08
    runs = [_sequential(rng, relative, first=40, cap=20_000) for _ in range(reps)]
    covered = sum(abs(m - TRUE_MEAN) <= h for m, h, _ in runs) / reps
    assert 0.92 <= covered <= 0.98
    assert all(h <= relative * m for m, h, _ in runs)
    fixed = (1.96 * 0.9 / relative) ** 2  # the count a known variance would need: about 487
    assert np.median([n for *_, n in runs]) == pytest.approx(fixed, rel=0.25)


def test_a_met_interval_asks_for_nothing_and_a_zero_mean_is_held_only_by_a_zero_width():
    assert predicted_count(100, {"x": 1.0, "x_ci95": 0.04, "ok": 100}, ["x"], 0.05, 1.1) is None
    assert predicted_count(100, {"x": 0.0, "x_ci95": 0.0, "ok": 100}, ["x"], 0.05, 1.1) is None
    assert predicted_count(100, {"x": 0.0, "x_ci95": 0.1, "ok": 100}, ["x"], 0.05, 1.1) == 400
    # twice the width asked: four times the count (times the margin), within the per-round growth limit
    assert predicted_count(100, {"x": 1.0, "x_ci95": 0.1, "ok": 100}, ["x"], 0.05, 1.0) == 400
    # a tenth more at least
    assert predicted_count(100, {"x": 1.0, "x_ci95": 0.052, "ok": 100}, ["x"], 0.05, 1.0) == 110
    assert predicted_count(100, {"x": math.nan, "x_ci95": math.nan, "ok": 100}, ["x"], 0.05, 1.0) is None


def _precise_spec(tmp_path, relative: float):
    data = yaml.safe_load(TINY.read_text())
    data["designs"] = data["designs"][:1]  # closed-form ZF only: fast
    data["snapshots"] = 400
    data["precision"] = {"relative": relative, "metrics": ["sensing_ase", "comm_ase"], "first": 20}
    path = tmp_path / "precise.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_sweep(path)


def test_a_precise_sweep_stops_each_point_at_its_own_count(tmp_path):
    spec = _precise_spec(tmp_path, 0.1)
    run = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert run.rounds >= 2
    table = summarise(tmp_path / "out")
    assert table["complete"].all()
    for _, row in table.iterrows():
        for metric in ("sensing_ase", "comm_ase"):
            assert row[f"{metric}_ci95"] <= 0.1 * row[metric] or row["snapshots"] == 400
    counts = table["snapshots"].to_numpy()
    assert counts.min() >= 20 and len(set(counts)) > 1  # the noisier points ran longer
    with ResultStore(tmp_path / "out") as store:
        plan = store.plan()
    assert sorted(plan.values()) == sorted(counts)
    # the same rows as a fixed-count run of the same snapshots (a prefix of the same seeds)
    fixed = tmp_path / "fixed"
    data = yaml.safe_load((tmp_path / "precise.yaml").read_text())
    data.pop("precision")
    data["snapshots"] = int(counts.min())
    (tmp_path / "fixed.yaml").write_text(yaml.safe_dump(data))
    run_sweep(load_sweep(tmp_path / "fixed.yaml"), fixed, workers=1, progress=False)
    precise = {r["key"]: r for r in stored_rows(tmp_path / "out")}
    assert all(precise[r["key"]] == r for r in stored_rows(fixed))
    again = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert again.stored == 0 and again.rounds == 1


def test_a_point_no_figure_draws_is_not_extended(tmp_path):
    """The tiny sweep's figure draws a point only with every snapshot certified (min_certified 1): a point
    with nine in ten certified is not drawn, so its wide interval asks for nothing more."""
    spec = _precise_spec(tmp_path, 0.05)
    plan = first_plan(spec)
    key = next(iter(plan))
    design, point = key.split("|", 1)
    wide = {"snapshots": 20, "ok": 18, "certified_share": 0.9, "comm_ase": 1.0, "comm_ase_ci95": 0.5,
            "sensing_ase": 1.0, "sensing_ase_ci95": 0.05}
    assert next_plan(spec, plan, [(design, point, wide)])[key] == 20
    assert next_plan(spec, plan, [(design, point, {**wide, "ok": 20, "certified_share": 1.0})])[key] == 80


def test_a_reference_run_of_the_tiny_sweep_is_unchanged_by_the_module(reference_rows, tiny_spec):
    assert tiny_spec.precision is None and tiny_spec.held_to_precision() == []


def test_the_block_is_checked(tmp_path):
    data = yaml.safe_load(TINY.read_text())
    data["precision"] = {"metrics": ["comm_aes"]}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ValidationError, match="precision.metrics"):
        load_sweep(path)
    data["precision"] = {"metrics": ["comm_ase"], "designs": ["nope"]}
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ValidationError, match="precision.designs"):
        load_sweep(path)

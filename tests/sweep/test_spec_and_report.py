"""Sweep files are validated up front; the report's averages and intervals match independent computations."""

import json
import math

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from isacopt.cli import app
from isacopt.errors import ValidationError
from isacopt.sweep import load_sweep, snapshot_seed, summarise
from isacopt.sweep.report import mean_ci, pareto, ratio_ci, time_sharing
from isacopt.sweep.spec import SweepFile
from tests.sweep.conftest import TINY

BASE = {"layout": {"kind": "hexagonal", "rings": 0}, "designs": [{"name": "zf", "problem": {"kind": "baseline"}}]}


def _write(tmp_path, **extra):
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({**BASE, **extra}))
    return path


@pytest.mark.parametrize("grid,needle", [
    ({"antennas": [4]}, "must be 'section.field'"),
    ({"problem.weight": [0.5]}, "no design's problem has the field 'weight'"),
    ({"layout.tx_antennas": []}, "non-empty list"),
    ({"layout.tx_antennas": [4, 0]}, "layout.tx_antennas=0"),
    ({"problem.comm_fraction": [1.5]}, "comm_fraction"),
])
def test_bad_grids_are_refused_before_running(tmp_path, grid, needle):
    with pytest.raises(ValidationError) as err:
        load_sweep(_write(tmp_path, grid=grid))
    assert needle in str(err.value)
    assert str(tmp_path / "s.yaml") in str(err.value)


def test_unknown_keys_and_duplicate_designs_are_refused(tmp_path):
    with pytest.raises(ValidationError, match="snapshot"):
        load_sweep(_write(tmp_path, snapshot=3))
    with pytest.raises(ValidationError, match="names must be unique"):
        load_sweep(_write(tmp_path, designs=BASE["designs"] * 2))


def test_quick_size_overrides_snapshots_and_grid(tmp_path):
    path = _write(tmp_path, grid={"layout.tx_antennas": [4, 8, 16]}, snapshots=50,
                  quick={"snapshots": 2, "grid": {"layout.tx_antennas": [4]}})
    full, quick = load_sweep(path), load_sweep(path, quick=True)
    assert (full.snapshots, len(full.points())) == (50, 3)
    assert (quick.snapshots, quick.points()) == (2, [{"layout.tx_antennas": 4}])
    assert full.digest() != quick.digest()
    with pytest.raises(ValidationError, match="defines no quick size"):
        load_sweep(_write(tmp_path), quick=True)


def test_snapshot_seeds_depend_only_on_base_seed_and_index():
    seeds = [snapshot_seed(7, i) for i in range(1000)]
    assert len(set(seeds)) == 1000 and all(0 <= s < 2**63 for s in seeds)
    assert snapshot_seed(7, 500) == seeds[500] and snapshot_seed(8, 500) != seeds[500]


def test_mean_ci_is_the_student_t_interval(rng):
    x = rng.normal(3.0, 2.0, size=17)
    lo, hi = stats.t.interval(0.95, 16, loc=x.mean(), scale=stats.sem(x))
    m, h = mean_ci(x)
    assert m == pytest.approx(x.mean()) and h == pytest.approx((hi - lo) / 2)
    assert math.isnan(mean_ci(x[:1])[1])


def test_ratio_ci_reduces_to_the_mean_of_ratios_with_equal_denominators(rng):
    y = rng.uniform(0, 5, size=12)
    r, h = ratio_ci(3 * y, np.full(12, 3.0))
    assert (r, h) == pytest.approx(mean_ci(y))
    # pooled: sum(y) / sum(x), not the mean of per-snapshot ratios
    assert ratio_ci(np.array([1.0, 9.0]), np.array([1.0, 3.0]))[0] == pytest.approx(2.5)


def test_time_sharing_runs_from_the_sensing_corner_with_the_spec_scalings():
    comm = {"mean_rate": 4.0, "mean_root_crlb": 9.0, "sensing_ase": 1.0, "comm_ase": 10.0}
    sens = {"mean_rate": 1.0, "mean_root_crlb": 2.0, "sensing_ase": 5.0, "comm_ase": 2.0}
    x, y = time_sharing("mean_root_crlb", "mean_rate", comm, sens)
    tau = np.linspace(0, 0.98, len(x))
    assert np.allclose(x, 2.0 / np.sqrt(1 - tau)) and np.allclose(y, tau * 4 + (1 - tau) * 1)
    x, y = time_sharing("comm_ase", "sensing_ase", comm, sens)
    assert (x[0], y[0]) == (2.0, 5.0) and y[-1] == pytest.approx(0.98 * 1 + 0.02 * 5)


def test_pareto_matches_brute_force(rng):
    x, y = rng.uniform(size=40), rng.uniform(size=40)
    front = set(pareto(x, y, x_lower=True, y_lower=False).tolist())
    brute = {i for i in range(40) if not any(x[j] <= x[i] and y[j] >= y[i] and j != i for j in range(40))}
    assert front == brute


def test_summary_matches_the_stored_rows(reference_dir, reference_rows, tiny_spec):
    table = summarise(reference_dir)
    assert len(table) == 6 and table["complete"].all() and (table["excluded"] == "{}").all()
    row = table[(table["design"] == "zf") & (table["layout.tx_antennas"] == 6)
                & (table["problem.comm_fraction"] == 0.7)].iloc[0]
    mine = [r for r in reference_rows if r["design"] == "zf" and json.loads(r["point"]) ==
            {"layout.tx_antennas": 6, "problem.comm_fraction": 0.7}]
    assert len(mine) == tiny_spec.snapshots
    assert row["comm_ase"] == pytest.approx(np.mean([r["comm_ase"] for r in mine]))
    assert row["mean_rate"] == pytest.approx(sum(r["sum_rate_window"] for r in mine) / sum(r["n_users"] for r in mine))


def test_report_cli_table_csv_plot_and_errors(reference_dir, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(reference_dir), "--csv", str(tmp_path / "t.csv"),
                              "--plot", str(tmp_path / "p.png")])
    assert res.exit_code == 0, res.output
    assert "beampattern" in res.output and "3/3" in res.output
    assert (tmp_path / "p.png").stat().st_size > 10_000
    assert (tmp_path / "t.csv").read_text().count("\n") == 7
    bad = runner.invoke(app, ["report", str(tmp_path / "nothing")])
    assert bad.exit_code == 2 and "holds no sweep results" in bad.output
    bad = runner.invoke(app, ["report", str(reference_dir), "--metrics", "speed"])
    assert bad.exit_code == 2 and "unknown ['speed']" in bad.output


def test_sweep_cli_names_a_bad_file(tmp_path):
    res = CliRunner().invoke(app, ["sweep", str(_write(tmp_path, grid={"antennas": [1]})), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "section.field" in res.output
    assert isinstance(load_sweep(TINY), SweepFile)


def test_selection_takes_the_best_certified_choice_per_snapshot():
    from isacopt.sweep.report import selected_rows
    from isacopt.sweep.spec import Selection

    def row(q, snap, status, obj):
        return {"design": "d", "point": json.dumps({"problem.sensing_cluster": q, "problem.rate_bps_hz": 1}),
                "snapshot": snap, "status": status, "objective": obj, "seed": snap, "n_bs": 3}

    rows = [row(2, 0, "optimal", 5.0), row(3, 0, "optimal", 4.0), row(4, 0, "infeasible", None),
            row(2, 1, "infeasible", None), row(3, 1, "solver_failure", None)]
    picked = selected_rows(rows, Selection(name="best", design="d", over=["problem.sensing_cluster"]))
    assert [(r["snapshot"], r["status"]) for r in picked] == [(0, "optimal"), (1, "none_feasible")]
    assert picked[0]["objective"] == 4.0 and json.loads(picked[0]["choice"]) == {"problem.sensing_cluster": 3}
    assert json.loads(picked[0]["point"]) == {"problem.rate_bps_hz": 1}
    # while a sweep runs, a snapshot whose choices are not all stored is pending, not a wrong pick
    pending = selected_rows(rows, Selection(name="best", design="d", over=["problem.sensing_cluster"]), expected=3)
    assert [r["status"] for r in pending] == ["optimal", "pending"]


def test_list_and_validate_know_the_sweep_files():
    runner = CliRunner()
    listed = runner.invoke(app, ["list"])
    assert "seed-fig3-optimised" in listed.output and "sweeps (" in listed.output
    res = runner.invoke(app, ["validate", "seed-fig4-backhaul"])
    assert res.exit_code == 0 and "valid sweep" in res.output

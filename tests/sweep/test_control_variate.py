"""Control-variate estimates (isacopt/sweep/control_variate.py), checked against what they must equal.

- Coverage: on synthetic snapshots with a known mean, the 95 % interval covers it about 95 % of the
  time, with and without a selection (the design certified on a subset correlated with the control),
  and it is narrower than the plain interval by about sqrt(1 - rho^2).
- A design identical to its control must come out as the control's long-run mean, exactly.
- The sweep file refuses a control that names no other design or varies with keys the design does not.
"""

import math

import numpy as np
import pytest
import yaml

from isacopt.errors import ValidationError
from isacopt.sweep import load_sweep, run_sweep, summarise
from isacopt.sweep.control_variate import MIN_PAIRED, controlled_ratio
from isacopt.sweep.report_text import report_lines

TRUE_MEAN = 2.0


def _draw(rng, n, rho=0.9):
    """X with mean TRUE_MEAN correlated rho with Z (mean 1), skewed like an ASE."""
    z = rng.gamma(2.0, 0.5, size=n)
    noise = rng.gamma(2.0, 0.5, size=n)
    x = TRUE_MEAN * (rho * z + math.sqrt(1 - rho**2) * noise)  # mean TRUE_MEAN (both gamma means are 1 ... )
    return x / (rho + math.sqrt(1 - rho**2)), z


def test_interval_covers_the_mean_and_shrinks_by_one_minus_rho_squared():
    rng = np.random.default_rng(5)
    covered, widths, plain = 0, [], []
    reps, n, m = 600, 60, 3000
    for _ in range(reps):
        x, z = _draw(rng, n)
        _, z_more = _draw(rng, m)
        est = controlled_ratio(x, np.ones(n), z, z_more)
        covered += abs(est.value - TRUE_MEAN) <= est.half_width
        widths.append(est.half_width)
        plain.append(1.96 * x.std(ddof=1) / math.sqrt(n))
    assert 0.92 <= covered / reps <= 0.975
    x, z = _draw(rng, 200_000)
    rho = np.corrcoef(x, z)[0, 1]
    assert np.mean(widths) / np.mean(plain) == pytest.approx(math.sqrt(1 - rho**2), rel=0.08)


def test_a_selection_correlated_with_the_control_keeps_the_plain_estimand():
    """The design certified only where z < 1.6: the estimand is E[X | z < 1.6], not E[X]."""
    rng = np.random.default_rng(6)
    x_big, z_big = _draw(rng, 2_000_000)
    target = x_big[z_big < 1.6].mean()
    covered, reps, n, m = 0, 600, 80, 3000
    for _ in range(reps):
        x, z = _draw(rng, n)
        _, z_more = _draw(rng, m)
        ok = z < 1.6
        est = controlled_ratio(np.where(ok, x, 0.0), ok.astype(float), z, z_more)
        covered += abs(est.value - target) <= est.half_width
    assert 0.92 <= covered / reps <= 0.975
    assert abs(target - TRUE_MEAN) > 0.1  # the selection matters: E[X] would be a different answer


def _draw_two(rng, n):
    """X = n_nodes * worst + noise: a max-min design's ASE, which a control's own ASE (z1, correlated through
    the node count) follows only in part; the count and the worst rate (z2, z3) explain most of it."""
    count = rng.poisson(4.0, size=n).astype(float)
    worst = rng.gamma(4.0, 0.25, size=n)
    z1 = count * rng.gamma(4.0, 0.25, size=n)  # the control's own ASE: the count, but other rates
    x = count * worst + rng.normal(0.0, 0.5, size=n)
    return x, np.column_stack([z1, count, count * worst])


def test_several_controls_cover_the_mean_and_shrink_by_one_minus_r_squared():
    """Multiple regression on several controls: the interval covers the true mean about 95 % of the time and
    is narrower than with the first control alone as the variances predict, (1 - R^2) / n + R^2 / m against
    (1 - rho^2) / n + rho^2 / m (the second part: the control's own mean, from m further snapshots); one
    control as a (n, 1) column is the one-control estimate exactly."""
    rng = np.random.default_rng(8)
    truth = 4.0 * 1.0  # E[count] E[worst]
    reps, n, m = 500, 80, 4000
    covered, multi, single = 0, [], []
    for _ in range(reps):
        x, z = _draw_two(rng, n)
        _, z_more = _draw_two(rng, m)
        est = controlled_ratio(x, np.ones(n), z, z_more)
        one = controlled_ratio(x, np.ones(n), z[:, 0], z_more[:, 0])
        assert est.controls == 3 and one.controls == 1
        covered += abs(est.value - truth) <= est.half_width
        multi.append(est.half_width)
        single.append(one.half_width)
    assert 0.92 <= covered / reps <= 0.975
    x, z = _draw_two(rng, 400_000)
    zc = z - z.mean(axis=0)
    fit = np.linalg.lstsq(zc, x - x.mean(), rcond=None)[0]
    r2 = 1 - np.var(x - x.mean() - zc @ fit) / np.var(x)
    rho2 = np.corrcoef(x, z[:, 0])[0, 1] ** 2
    assert r2 > rho2 + 0.3  # the scenario must make the further controls matter
    predicted = math.sqrt(((1 - r2) / n + r2 / m) / ((1 - rho2) / n + rho2 / m))
    assert np.mean(multi) / np.mean(single) == pytest.approx(predicted, rel=0.1)
    assert predicted < 0.5
    x, z = _draw_two(rng, 50)
    _, z_more = _draw_two(rng, 300)
    a, b = controlled_ratio(x, np.ones(50), z[:, :1], z_more[:, :1]), controlled_ratio(x, np.ones(50), z[:, 0], z_more[:, 0])
    assert (a.value, a.half_width) == pytest.approx((b.value, b.half_width), rel=1e-12)


def test_a_control_that_does_not_vary_is_dropped():
    rng = np.random.default_rng(9)
    x, z = _draw_two(rng, 60)
    _, z_more = _draw_two(rng, 500)
    z[:, 1], z_more[:, 1] = 3.0, 3.0
    est = controlled_ratio(x, np.ones(60), z, z_more)
    assert est.controls == 2 and math.isfinite(est.value)


def test_nothing_to_correct_with_gives_no_estimate():
    rng = np.random.default_rng(7)
    x, z = _draw(rng, 50)
    assert controlled_ratio(x, np.ones(50), z, np.array([])) is None
    assert controlled_ratio(x[: MIN_PAIRED - 1], np.ones(MIN_PAIRED - 1), z[: MIN_PAIRED - 1], z) is None


LOADS = {"users_per_bs": 2, "targets_per_bs": 1}  # ZF then has the antennas on every snapshot
SWEEP = {
    "name": "cv",
    "system": {"pathloss_exponent": 2.0, "noise_dbm": -80},
    "channels": {"model": "rayleigh"},
    "layout": {"kind": "poisson", "window_m": 600, "guard_m": 200, "bs_per_km2": 8, "users_per_km2": 40,
               "targets_per_km2": 30, "tx_antennas": 4},
    "designs": [
        {"name": "zf", "snapshots": 40, "problem": {"kind": "baseline", "precoder": "zf", **LOADS}},
        {"name": "zf-again", "control": "zf", "problem": {"kind": "baseline", "precoder": "zf", **LOADS}},
        {"name": "mrt", "control": "zf", "problem": {"kind": "baseline", "precoder": "mrt", **LOADS}},
    ],
    "grid": {"layout.tx_antennas": [4]},
    "snapshots": 15,
    "seed": 3,
}


def test_a_design_identical_to_its_control_is_its_long_run_mean(tmp_path):
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(SWEEP))
    run_sweep(load_sweep(path), tmp_path / "out", workers=1, progress=False)
    table = summarise(tmp_path / "out").set_index("design")
    for metric in ("comm_ase", "sensing_ase"):  # per-snapshot means: the pooled mean exactly
        assert table.loc["zf-again", metric] == pytest.approx(table.loc["zf", metric], rel=1e-10)
        assert table.loc["zf-again", f"{metric}_rho"] == pytest.approx(1.0, abs=1e-9)
        # the pooled mean's interval, but with the paired snapshots' Student-t quantile (13 degrees of freedom,
        # not 39) and the variance estimated in two parts
        assert table.loc["zf-again", f"{metric}_ci95"] == pytest.approx(table.loc["zf", f"{metric}_ci95"], rel=0.25)
    # a pooled ratio is corrected through its linearisation: close, not exact
    again, zf = table.loc["zf-again"], table.loc["zf"]
    assert abs(again["mean_rate"] - zf["mean_rate"]) < again["mean_rate_ci95"]
    assert again["mean_rate_rho"] > 0.5
    assert (table["ok"] == [40, 15, 15]).all()
    assert table.loc["mrt", "estimator"].startswith("control zf (40 snapshots, up to 6 regressors")
    assert math.isnan(table.loc["zf", "comm_ase_rho"])
    lines = report_lines(table.reset_index(), ["layout.tx_antennas"], ["comm_ase", "sensing_ase"], width=100)
    said = "\n".join(lines)
    assert "mrt: control zf at 1 of 1 points; multiple correlation comm ASE" in said.replace("\n    ", " ")
    assert max(len(line) for line in lines) <= 100


@pytest.mark.parametrize("change,field", [
    (lambda s: s["designs"][1].update(control="zf-again"), "another design"),
    (lambda s: s["designs"][1].update(control="nobody"), "another design"),
    (lambda s: s["designs"][2].update(control="zf-again"), "has a control itself"),
    (lambda s: (s["grid"].update({"problem.comm_fraction": [0.3, 0.6]}),
                s["designs"][2]["problem"].update(precoder="mrt"),
                s["designs"][2].update(ignore=["problem.comm_fraction"])), "varies with"),
])
def test_a_control_that_cannot_pair_is_refused(tmp_path, change, field):
    spec = yaml.safe_load(yaml.safe_dump(SWEEP))
    change(spec)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(ValidationError, match=field):
        load_sweep(path)


def test_the_figure_footer_names_the_control(tmp_path):
    from isacopt.sweep.figures import _control_footer

    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(SWEEP))
    assert _control_footer(load_sweep(path)) == " (control variate zf for zf-again, mrt)"


def test_a_control_without_further_snapshots_leaves_plain_means_and_says_why(tmp_path):
    spec = yaml.safe_load(yaml.safe_dump(SWEEP))
    spec["designs"][0]["snapshots"] = 15  # the control no further than the designs: nothing to correct with
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(spec))
    run_sweep(load_sweep(path), tmp_path / "out", workers=1, progress=False)
    table = summarise(tmp_path / "out")
    mrt = table.set_index("design").loc["mrt"]
    assert mrt["estimator"] == "plain (control zf has no further snapshots (yet))"
    assert "comm_ase_rho" not in table.columns
    said = "\n".join(report_lines(table, ["layout.tx_antennas"], ["comm_ase"], width=100))
    assert "mrt: plain means at every point (control zf has no further snapshots (yet))" in said


def test_control_nodes_false_keeps_the_one_control(tmp_path):
    """The node regressors narrow the interval where they explain more; switched off, the estimate is the one
    control's (the signed correlation, no regressors named), from the same store."""
    path = tmp_path / "cv.yaml"
    path.write_text(yaml.safe_dump(SWEEP))
    run_sweep(load_sweep(path), tmp_path / "out", workers=1, progress=False)
    nodes = summarise(tmp_path / "out").set_index("design").loc["mrt"]
    spec = yaml.safe_load(yaml.safe_dump(SWEEP))
    spec["designs"][2]["control_nodes"] = False
    path.write_text(yaml.safe_dump(spec))
    run_sweep(load_sweep(path), tmp_path / "out", workers=1, progress=False)  # nothing left to solve
    one = summarise(tmp_path / "out").set_index("design").loc["mrt"]
    assert one["estimator"] == "control zf (40 snapshots)"
    assert "regressors" in nodes["estimator"]
    for metric in ("comm_ase", "sensing_ase"):
        assert nodes[f"{metric}_rho"] >= abs(one[f"{metric}_rho"]) - 1e-12  # R is at least |rho|
        assert nodes[metric] != one[metric]

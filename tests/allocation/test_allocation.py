"""The network-level allocation: Monte Carlo sums against the problem kind, choices against their table,
refusals listed, common random numbers, the analysis within 10 % of the Monte Carlo, the CLI."""


import pandas as pd
import pytest
from typer.testing import CliRunner

from isacopt.allocation import allocate, load_allocation
from isacopt.allocation.montecarlo import snapshot_network
from isacopt.allocation.snapshot import closed_form_sums
from isacopt.channels import derive_channels
from isacopt.cli import app
from isacopt.sweep.tasks import snapshot_seed

SMALL = "tests/allocation/small.yaml"


@pytest.fixture(scope="module")
def small():
    spec = load_allocation(SMALL)
    return spec, allocate(spec, method="montecarlo", workers=1)


def test_sums_equal_the_baseline_problems_own_metrics():
    spec = load_allocation(SMALL)
    assert spec.layout.populate_guard  # an allocation loads the guard BSs unless told otherwise
    net = snapshot_network(spec, 8, snapshot_seed(spec.seed, 0))
    problem = spec.problem_at({"users_per_bs": 2, "targets_per_bs": 2, "comm_cluster": 2, "sensing_cluster": 2})
    sums = closed_form_sums(problem, net, derive_channels(net))
    sol = problem.solve(net)  # the full evaluation: every node, every metric
    area = net.window.area_km2
    assert sums["sum_rate"] / area == pytest.approx(sol.network.comm_ase_bps_hz_km2, rel=1e-10)
    assert sums["sum_radar"] / area == pytest.approx(sol.network.sensing_ase_bps_hz_km2, rel=1e-10)
    inside = [net.window.contains(u.position_m) for u in net.users]
    assert sums["n_served"] == sum(u.served and i for u, i in zip(sol.users, inside))
    assert sums["n_served"] < sum(u.served for u in sol.users)  # guard users are served too, not counted


def test_refused_tuples_are_listed_with_the_reason(small):
    spec, res = small
    t = res.of("montecarlo")
    refused = t[t["status"] == "dof_refused"]
    assert len(refused) and all("Nt = 4" in r or "Nt = 8" in r for r in refused["reason"])
    k4 = refused[(refused["tx_antennas"] == 4) & (refused["label"] == "K=4 M=1 L=1 Q=1")]
    assert len(k4) == 1 and "5 streams + 0 nulls" in k4["reason"].iloc[0]
    assert len(t) == len(spec.tuples()) * len(spec.tx_antennas)  # nothing dropped


def test_choices_are_the_best_of_their_table_and_meet_the_service(small):
    spec, res = small
    t = res.of("montecarlo")
    for r in res.choices.to_dict("records"):
        level = next(s for s in spec.service if s.name == r["service"])
        cand = t[(t["tx_antennas"] == r["tx_antennas"]) & (t["status"] == "ok")]
        ok = cand[(cand["mean_rate"].fillna(-1) >= level.rate_bps_hz) | (level.rate_bps_hz == 0)]
        ok = ok[(ok["mean_radar_rate"].fillna(-1) >= level.radar_rate_bps_hz) | (level.radar_rate_bps_hz == 0)]
        if r["status"] != "ok":
            assert ok.empty
            continue
        score = r["weight"] * ok["comm_ase"] + (1 - r["weight"]) * ok["sensing_ase"]
        assert r["objective"] == pytest.approx(score.max())
        assert r["mean_rate"] >= level.rate_bps_hz
    w1 = res.choices[(res.choices["weight"] == 1.0) & (res.choices["service"] == "any")]
    # with nothing to sense, Q changes nothing: the equivalent tuple is named, the runner-up differs
    assert all("Q=2" in e for e in w1["equivalent"].dropna())


def test_common_random_numbers_and_determinism(small):
    spec, res = small
    again = allocate(spec, method="montecarlo", workers=2)
    cols = ["comm_ase", "sensing_ase", "mean_rate", "mean_radar_rate"]
    pd.testing.assert_frame_equal(res.of("montecarlo")[cols].reset_index(drop=True),
                                  again.of("montecarlo")[cols].reset_index(drop=True))
    snaps = {tuple(g["snapshot"]) for g in res.snapshots.values()}
    assert snaps == {tuple(range(spec.snapshots))}  # every tuple on every snapshot


def test_analysis_within_ten_percent_of_the_monte_carlo():
    spec = load_allocation(SMALL).model_copy(update={"snapshots": 16, "tx_antennas": [8]})
    spec = type(spec).model_validate({**spec.model_dump(mode="json"),
                                      "search": {"users_per_bs": [1, 2], "targets_per_bs": [1, 2],
                                                 "comm_cluster": [1, 2], "sensing_cluster": [2]}})
    res = allocate(spec, method="both", workers=2)
    mc = res.of("montecarlo").set_index("label")
    sg = res.of("analysis").set_index("label")
    for col in ("mean_rate", "mean_radar_rate", "comm_ase", "sensing_ase"):
        rel = (sg[col] / mc[col] - 1).abs()
        slack = mc[f"{col}_ci95"] / mc[col]
        assert (rel <= 0.10 + slack).all(), (col, rel.round(3).to_dict())


def test_cli_allocate_writes_tables_and_figure(tmp_path):
    out = tmp_path / "alloc"
    result = CliRunner().invoke(app, ["allocate", SMALL, "--out", str(out), "--method", "analysis"])
    assert result.exit_code == 0, result.output
    assert (out / "tuples.csv").exists() and (out / "choices.csv").exists() and (out / "regions.png").exists()
    assert "refused for lack of antennas" in result.output and "w = 0.50" in result.output
    table = pd.read_csv(out / "tuples.csv")
    assert set(table["method"]) == {"analysis"} and (table["status"] == "dof_refused").any()
    bad = CliRunner().invoke(app, ["allocate", SMALL, "--out", str(out), "--method", "guess"])
    assert bad.exit_code == 2 and "--method" in bad.output


def test_bad_files_name_the_field(tmp_path):
    from isacopt import ValidationError

    text = open(SMALL).read().replace("users_per_bs: [1, 2, 4]", "users_per_bs: [1, 2, 4]\n  antennas: [1]")
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(ValidationError, match="antennas"):
        load_allocation(tmp_path / "bad.yaml")
    text = open(SMALL).read().replace("precoder: zf", "precoder: mrt")
    (tmp_path / "mrt.yaml").write_text(text)
    spec = load_allocation(tmp_path / "mrt.yaml")
    with pytest.raises(ValidationError, match="precoder zf"):
        allocate(spec, method="analysis")

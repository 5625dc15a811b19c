"""The S&C frontier: certified points, domination of time sharing, infeasible epsilons kept as statuses."""

import csv
import math

import pytest
from typer.testing import CliRunner

import isacopt as iso
from isacopt.cli import app
from tests.helpers import small_multicell


@pytest.fixture(scope="module")
def frontier():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    # unified waveforms: the data beams count as sensing signals at every BS, the reading under which a joint
    # design beats time sharing on this snapshot (with orthogonal waveforms it need not: see test_crlb_options)
    problem = iso.CooperativeISAC(comm_cluster=2, sensing_cluster=3, sensing_waveform="unified")
    probe = iso.CooperativeISAC(objective="max_min_rate", comm_cluster=2, sensing_cluster=3).solve(net)
    rates = [0.25 * probe.objective, 0.5 * probe.objective, 0.9 * probe.objective, probe.bound + 0.5]
    return iso.trace_frontier(problem, net, rates=rates), probe


def test_every_plotted_point_is_certified_and_beats_time_sharing(frontier):
    front, _ = frontier
    usable = [p for p in front.points if p.usable]
    assert len(usable) == 3
    assert all(p.certified and p.status.startswith("optimal") for p in usable)
    for p in usable:
        assert p.mean_root_crlb_m < front.time_sharing_crlb_at(p.mean_rate_bps_hz)
    assert front.dominates_time_sharing()


def test_corners_bracket_the_frontier(frontier):
    front, probe = frontier
    assert front.comm_corner.mean_rate_bps_hz >= probe.objective - 1e-6
    crlbs = [p.mean_root_crlb_m for p in front.points if p.usable]
    assert min(crlbs) >= front.sensing_corner.mean_root_crlb_m * (1 - 1e-4)  # nothing beats the sensing optimum
    rates = [p.mean_rate_bps_hz for p in front.points if p.usable]
    assert rates == sorted(rates) and crlbs == sorted(crlbs)  # more rate costs accuracy


def test_unreachable_epsilon_is_reported_not_plotted(frontier):
    front, _ = frontier
    last = front.points[-1]
    assert last.status == "infeasible" and not last.usable and last.mean_rate_bps_hz is None
    x, _ = front.curve()
    assert len(x) == 3 + 2 and all(math.isfinite(v) for v in x)


def test_time_sharing_follows_spec_section_9(frontier):
    front, _ = frontier
    rc, rs = front.comm_corner.mean_rate_bps_hz, front.sensing_corner.mean_rate_bps_hz
    tau = 0.5
    expected = front.sensing_corner.mean_root_crlb_m / math.sqrt(1 - tau)
    assert front.time_sharing_crlb_at(tau * rc + (1 - tau) * rs) == pytest.approx(expected)


def test_baseline_without_angle_information_is_unavailable_with_the_reason(frontier):
    front, _ = frontier
    assert "TOA" in front.baseline_note or "independent directions" in front.baseline_note


FILE = """
name: tiny-frontier
system: {carrier_hz: 5.0e9, bandwidth_hz: 50.0e6, noise_dbm: -80, pathloss_exponent: 2.0, samples: 1000}
channels: {model: los}
base_stations:
  - {id: a, position_m: [0, 0], tx_antennas: 4, rx_antennas: 4, power_w: 1}
  - {id: b, position_m: [300, 0], tx_antennas: 4, rx_antennas: 4, power_w: 1}
  - {id: c, position_m: [150, 260], tx_antennas: 4, rx_antennas: 4, power_w: 1}
users: [{id: u0, position_m: [60, 40]}, {id: u1, position_m: [250, 80]}]
targets: [{id: t0, position_m: [150, 100]}]
problem: {kind: cooperative_isac, objective: min_sum_crlb, comm_cluster: 2, sensing_cluster: 3, rate_bps_hz: 2}
"""


def test_cli_frontier_writes_plot_and_csv(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(FILE)
    png, table = tmp_path / "f.png", tmp_path / "f.csv"
    result = CliRunner().invoke(app, ["frontier", str(path), "--points", "3", "--plot", str(png), "--csv", str(table)])
    assert result.exit_code == 0, result.output
    assert "frontier dominates time sharing: yes" in result.output
    assert png.stat().st_size > 10_000
    rows = list(csv.DictReader(table.open()))
    assert [r["series"] for r in rows[:5]] == ["corner:sensing"] + ["cooperative"] * 3 + ["corner:communication"]
    assert all(r["certified"] == "True" for r in rows[:5])


def test_cli_solve_reads_a_cooperative_problem(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(FILE)
    result = CliRunner().invoke(app, ["solve", str(path), "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    sol = iso.Solution.from_json((tmp_path / "s.json").read_text())
    assert sol.objective_name == "min_sum_crlb" and sol.certificate.holds
    assert all(u.rate_bps_hz >= 2 - 1e-6 for u in sol.users)
    assert {b.id: b.comm_power_w + b.sensing_power_w for b in sol.base_stations} == pytest.approx(
        {b.id: b.power_w for b in sol.base_stations})


def test_frontier_refuses_a_coordinated_problem(tmp_path):
    path = tmp_path / "coord.yaml"
    path.write_text(FILE.replace("kind: cooperative_isac, objective: min_sum_crlb, comm_cluster: 2, sensing_cluster: 3, "
                                 "rate_bps_hz: 2", "kind: coordinated_beamforming, objective: min_power"))
    result = CliRunner().invoke(app, ["frontier", str(path)])
    assert result.exit_code == 2 and "cooperative_isac" in result.output

"""The control's lone-target column (sweep/metrics.py ``alone_radar_rate``) against the optimiser: a target
alone with one BS gets exactly the whole budget in its direction (the max-min sensing SINR's certified
optimum), and with more targets the column is the weakest one's, an upper bound no design beats."""

import numpy as np
import pytest

import isacopt as iso
from isacopt.sweep.metrics import snapshot_metrics


def _rate_db(rate: float) -> float:
    return 10 * np.log10(2.0 ** rate - 1.0)


def _row(net: iso.Network, sol) -> dict:
    return snapshot_metrics(net, sol, crlb_threshold_m=10.0, sinr_threshold_db=0.0)


def test_one_target_alone_reaches_the_column():
    net = iso.Network(base_stations=[{"id": "a", "position_m": (0, 0), "tx_antennas": 6, "rx_antennas": 4,
                                      "power_w": 2.0}],
                      targets=[{"id": "t", "position_m": (200, 90), "rcs_m2": 3.0}], system={"samples": 500})
    sol = iso.CoordinatedBeamforming(objective="max_min_sensing_sinr", bisection_tol_db=1e-3).solve(net)
    assert sol.ok, sol.reason
    assert _rate_db(_row(net, sol)["alone_radar_rate"]) == pytest.approx(sol.objective, abs=0.01)


def test_the_weakest_target_sets_the_column_and_bounds_every_design():
    bss = [{"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 3, "power_w": 1.0},
           {"id": "b", "position_m": (400, 0), "tx_antennas": 4, "rx_antennas": 3, "power_w": 1.0}]
    targets = [{"id": "t0", "position_m": (140, -90)}, {"id": "t1", "position_m": (300, 320)}]
    net = iso.Network(base_stations=bss, targets=targets, channels={"model": "rayleigh", "seed": 8},
                      system={"samples": 1000})
    sol = iso.CoordinatedBeamforming(objective="max_min_sensing_sinr").solve(net)
    assert sol.ok, sol.reason
    row = _row(net, sol)
    alone = []  # each target on its own with its sensing BS: the one-target optimum
    for t, spec in zip(sol.targets, targets):
        b = next(x for x in bss if x["id"] == t.sensing_bs[0])
        one = iso.Network(base_stations=[b], targets=[spec], system={"samples": 1000})
        problem = iso.CoordinatedBeamforming(objective="max_min_sensing_sinr", bisection_tol_db=1e-3)
        alone.append(problem.solve(one).objective)
    assert _rate_db(row["alone_radar_rate"]) == pytest.approx(min(alone), abs=0.01)
    assert sol.objective <= min(alone) + 1e-3
    assert row["worst_radar_rate"] <= row["alone_radar_rate"] + 1e-9


def test_nothing_probed_gives_zero():
    bs = {"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 2, "power_w": 1.0}
    net = iso.Network(base_stations=[bs],
                      users=[{"id": "u", "position_m": (50, 20)}])
    sol = iso.CoordinatedBeamforming(objective="min_power", sinr_db=5).solve(net)
    assert sol.ok, sol.reason
    assert _row(net, sol)["alone_radar_rate"] == 0.0

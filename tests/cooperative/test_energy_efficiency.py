"""max_energy_efficiency (SPEC.md 8): against the one-dimensional closed form for one user, and, with
interference, against other feasible designs (the EE of any feasible design is below the optimum and
below the bound) and the metric recomputed from the design."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import isacopt as iso
from isacopt.channels import derive_channels
from isacopt.metrics import energy_efficiency, rate, sinr

ETA = 0.35


def _one_user(seed: int, power_w: float, circuit_w: float, distance_m: float) -> iso.Network:
    return iso.Network(
        system=iso.SystemParams(pa_efficiency=ETA),
        base_stations=[{"id": "bs0", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 4, "power_w": power_w,
                        "circuit_power_w": circuit_w}],
        users=[{"id": "u0", "position_m": (distance_m, 0.3 * distance_m)}], targets=[],
        channels={"model": "rayleigh", "seed": seed})


def _closed_form(net: iso.Network) -> float:
    """max over 0 <= p <= P of B log2(1 + a p) / (p / eta + P_c), a = ||h||^2 / sigma^2 (MRT)."""
    ch = derive_channels(net)
    h = ch.comm[0][0]
    a = float(np.vdot(h, h).real / ch.noise_w)
    bs, bandwidth = net.base_stations[0], net.system.bandwidth_hz
    res = minimize_scalar(lambda p: -bandwidth * np.log2(1 + a * p) / (p / ETA + bs.circuit_power_w),
                          bounds=(0.0, bs.power_w), method="bounded", options={"xatol": 1e-14})
    return float(max(-res.fun, bandwidth * np.log2(1 + a * bs.power_w) / (bs.power_w / ETA + bs.circuit_power_w)))


@pytest.mark.parametrize("seed, power_w, circuit_w, distance_m", [
    (0, 10.0, 2.0, 900.0),    # interior optimum
    (1, 0.05, 5.0, 2500.0),   # the budget binds (large circuit power, far user)
    (2, 1.0, 0.5, 300.0),
])
def test_one_user_matches_the_closed_form(seed, power_w, circuit_w, distance_m):
    net = _one_user(seed, power_w, circuit_w, distance_m)
    sol = iso.CooperativeISAC(objective="max_energy_efficiency", sensing_cluster=1).solve(net)
    expected = _closed_form(net)
    assert sol.status == "optimal" and sol.certified(1e-4)
    assert sol.objective == pytest.approx(expected, rel=1e-4)
    assert sol.bound >= sol.objective * (1 - 1e-9)
    assert sol.network.energy_efficiency_bit_j == pytest.approx(sol.objective, rel=1e-12)


def _interfering(seed: int) -> iso.Network:
    rng = np.random.default_rng(seed)
    users = [{"id": f"u{k}", "position_m": (300.0 * (k // 2) + rng.uniform(-120, 120), rng.uniform(40, 160)),
              "sinr_db": 0.0} for k in range(4)]
    return iso.Network(
        system=iso.SystemParams(pa_efficiency=ETA),
        base_stations=[{"id": f"bs{b}", "position_m": (300.0 * b, 0.0), "tx_antennas": 4, "rx_antennas": 4,
                        "power_w": 1.0, "circuit_power_w": 1.0} for b in range(2)],
        users=users, targets=[{"id": "t0", "position_m": (150.0, 90.0)}],
        channels={"model": "rayleigh", "seed": seed})


@pytest.mark.parametrize("seed", [0, 1])
def test_with_interference_the_local_method_beats_other_feasible_designs_and_stays_below_its_bound(seed):
    net = _interfering(seed)
    opts = dict(sensing_cluster=2, pairs="fusion")
    sol = iso.CooperativeISAC(objective="max_energy_efficiency", **opts).solve(net)
    assert sol.status in ("local_optimum", "optimal")
    ch = derive_channels(net)
    gains = sinr(net, ch, sol.design)
    assert np.all(gains >= 1.0 - 1e-6)  # every user keeps its 0 dB floor
    recomputed = energy_efficiency(net, sol.design, rate(gains))
    assert sol.objective == pytest.approx(recomputed, rel=1e-9)
    assert sol.bound is not None and sol.bound >= sol.objective * (1 - 1e-9)
    for other in ("max_sum_rate", "min_power"):
        alt = iso.CooperativeISAC(objective=other, **opts).solve(net)
        assert alt.status in ("optimal", "local_optimum")
        ee = alt.network.energy_efficiency_bit_j
        assert ee <= sol.bound * (1 + 1e-9)
        assert ee <= sol.objective * (1 + 1e-6), other


def test_without_circuit_power_there_is_no_bound_and_the_reason_says_so():
    net = _one_user(0, 1.0, 0.0, 900.0)
    sol = iso.CooperativeISAC(objective="max_energy_efficiency", sensing_cluster=1, sinr_db=3.0).solve(net)
    assert sol.status == "local_optimum" and sol.bound is None
    assert "circuit power" in sol.reason
    # the SINR floor binds: with no circuit power, less power is always more efficient
    assert sol.users[0].sinr_db == pytest.approx(3.0, abs=1e-4)


def test_without_circuit_power_or_floors_the_problem_is_refused_with_the_fix():
    net = _one_user(0, 1.0, 0.0, 900.0)
    with pytest.raises(iso.ValidationError, match="circuit_power_w"):
        iso.CooperativeISAC(objective="max_energy_efficiency", sensing_cluster=1).solve(net)

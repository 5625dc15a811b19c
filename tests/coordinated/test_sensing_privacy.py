"""Sensing privacy (#20 item 2): every BS's transmit beampattern gain toward an eavesdropper's direction at
most its ``max_beampattern_w``, in both families: recomputed from the design with steering vectors built
here, monotone in the cap, free when the cap is above what the design radiates anyway, and infeasible by
name when the eavesdropper stands in the direction a beampattern floor must illuminate."""

import numpy as np
import pytest

import isacopt as iso
from tests.coordinated.test_eavesdroppers import _eve, _net


def _gain_toward(net, design, xy) -> np.ndarray:
    """a^H R_b a toward point ``xy`` from every BS: a_n = exp(j pi n cos(phi - psi)) (SPEC.md 2)."""
    out = []
    for b, bs in enumerate(net.base_stations):
        phi = np.arctan2(xy[1] - bs.position_m[1], xy[0] - bs.position_m[0])
        a = np.exp(1j * np.pi * np.arange(bs.tx_antennas) * np.cos(phi - np.deg2rad(bs.orientation_deg)))
        out.append(np.real(a.conj() @ design.covariance(b) @ a))
    return np.array(out)


def _private(cap, xy=(160, -70)):
    e = _eve(*xy, 20.0)  # the SINR cap is loose: only the privacy cap binds
    e["max_beampattern_w"] = cap
    return e


SOLVERS = {
    "coordinated": lambda net: iso.CoordinatedBeamforming(objective="max_min_beampattern").solve(net),
    "cooperative": lambda net: iso.CooperativeISAC(objective="min_sum_crlb", sensing_cluster=2,
                                                   pairs="fusion").solve(net),
}


@pytest.mark.parametrize("family", SOLVERS)
def test_the_cap_holds_on_the_design_and_costs_sensing_as_it_tightens(family):
    values = []
    for cap in (1.0, 0.2, 0.05):
        net = _net(0, [_private(cap)])
        sol = SOLVERS[family](net)
        assert sol.status == "optimal", sol.reason
        gains = _gain_toward(net, sol.design, (160, -70))
        assert gains.max() <= cap * (1 + 1e-6)
        assert sol.eavesdroppers[0].beampattern_w == pytest.approx(gains.max(), rel=1e-9)
        values.append(sol.objective)
    # the eavesdropper stands next to target t0: a tighter cap never helps sensing
    if family == "coordinated":
        assert values[0] > values[1] > values[2]  # max-min beampattern falls
    else:
        assert values[0] < values[1] < values[2]  # the CRLB sum grows


@pytest.mark.parametrize("family", SOLVERS)
def test_a_cap_above_what_is_radiated_anyway_costs_nothing(family):
    free = SOLVERS[family](_net(0, [_private(None)]))
    loose = free.eavesdroppers[0].beampattern_w * 1.5
    capped = SOLVERS[family](_net(0, [_private(loose)]))
    assert capped.objective == pytest.approx(free.objective, rel=1e-6)


def test_an_eavesdropper_in_a_floored_direction_is_infeasible_by_name():
    # t0 at (150, -60) from bs0 at the origin; the eavesdropper on the same ray, farther out
    net = _net(0, [{**_private(0.01, (300, -120)), "id": "listener"}], channels={"model": "los"})
    sol = iso.CoordinatedBeamforming(objective="min_power", beampattern_floor_w=1.0).solve(net)
    assert sol.status == "infeasible"
    assert "listener" in sol.reason

"""max_min_sensing_sinr (SPEC.md section 10) against a closed form and an independent plain-cvxpy formulation."""

import cvxpy as cp
import numpy as np
import pytest

import isacopt as iso
from isacopt.catalogue import find
from isacopt.channels import derive_channels
from isacopt.metrics import sensing_sinr, sinr


def _net(users: bool):
    bss = [{"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 3, "power_w": 1.0},
           {"id": "b", "position_m": (400, 0), "tx_antennas": 4, "rx_antennas": 3, "power_w": 1.0}]
    us = [{"id": "u0", "position_m": (60, 40), "receiver": "type1"},
          {"id": "u1", "position_m": (450, -60), "receiver": "type1"}] if users else []
    return iso.Network(base_stations=bss, users=us, channels={"model": "rayleigh", "seed": 8},
                       targets=[{"id": "t0", "position_m": (140, -90)}, {"id": "t1", "position_m": (300, 120)}],
                       system={"samples": 1000})


def test_alone_a_target_gets_the_whole_budget_in_its_direction():
    net = iso.Network(base_stations=[{"id": "a", "position_m": (0, 0), "tx_antennas": 6, "rx_antennas": 4, "power_w": 1.0}],
                      targets=[{"id": "t", "position_m": (200, 90)}])
    sol = iso.CoordinatedBeamforming(objective="max_min_sensing_sinr").solve(net)
    ch = derive_channels(net)
    closed = net.system.samples * 4 * ch.radar_gain[0, 0, 0] * 1.0 * 6 / ch.noise_w  # L Nr G P Nt / sigma^2
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(10 * np.log10(closed), abs=0.02)


def _plain_cvxpy_feasible(net, level: float, gamma_users: float) -> bool:
    """An independent formulation: complex Hermitian W_k, R0_b per BS; user SINR targets, and the largest slack
    ``m`` by which every sensing-SINR floor at ``level`` holds (always feasible, so no infeasibility detection
    is needed): the level is feasible when ``m >= 0``."""
    ch = derive_channels(net)
    nt = 4
    w = [cp.Variable((nt, nt), hermitian=True) for _ in range(2)]  # user k served by BS k
    r0 = [cp.Variable((nt, nt), hermitian=True) for _ in range(2)]
    r = [w[b] + r0[b] for b in range(2)]
    margin = cp.Variable()
    cons = [x >> 0 for x in w + r0] + [cp.real(cp.trace(r[b])) <= 1.0 for b in range(2)]
    s = 1 / ch.noise_w  # received powers in units of the noise keep the numbers O(1)
    for k in range(2):
        h = [ch.comm[b][k] for b in range(2)]
        su = 1 / np.vdot(h[k], h[k]).real  # each constraint scaled by its direct channel gain
        quad = [lambda m, b=b: cp.real(h[b].conj() @ m @ h[b]) * su for b in range(2)]
        cons.append(quad[k](w[k]) >= gamma_users * (quad[k](r0[k]) + quad[1 - k](r[1 - k]) + ch.noise_w * su))
    for t in range(2):
        b = 0 if t == 0 else 1
        a = ch.tx_steering[b][t]
        u = ch.rx_steering[b][t] / np.sqrt(3)
        g = ch.crosslink[b][1 - b].conj().T @ u
        signal = net.system.samples * 3 * ch.radar_gain[b, b, t] * cp.real(a.conj() @ r[b] @ a) * s
        cons.append(signal - level * (cp.real(g.conj() @ r[1 - b] @ g) * s + ch.noise_w * s) >= margin)
    prob = cp.Problem(cp.Maximize(margin), cons + [margin <= 1])
    prob.solve(solver=cp.CLARABEL)
    # Clarabel may stop at reduced accuracy near the infeasible side (it did on an ulp-level change of the
    # cross-links); the verdict is kept only when the margin is far from 0 on the solver's accuracy scale
    assert prob.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)
    assert abs(margin.value) > 1e-3
    return margin.value >= 0


def test_optimum_matches_an_independent_formulation_and_the_design_meets_every_constraint():
    net = _net(users=True)
    sol = iso.CoordinatedBeamforming(objective="max_min_sensing_sinr", sinr_db=6).solve(net)
    assert sol.status == "optimal"
    ch = derive_channels(net)
    ss = sensing_sinr(net, ch, sol.design)
    worst = 10 * np.log10(min(ss[0, 0], ss[1, 1]))  # each target at its nearest BS
    assert sol.objective == pytest.approx(worst, abs=1e-6)
    assert np.all(10 * np.log10(sinr(net, ch, sol.design)) >= 6 - 1e-4)
    assert sol.bound - sol.objective < 0.02
    assert _plain_cvxpy_feasible(net, 10 ** ((sol.objective - 0.05) / 10), 10 ** 0.6)
    assert not _plain_cvxpy_feasible(net, 10 ** ((sol.objective + 0.05) / 10), 10 ** 0.6)


def test_it_beats_max_min_beampattern_on_the_quantity_it_optimises():
    net = _net(users=True)
    sens = iso.CoordinatedBeamforming(objective="max_min_sensing_sinr", sinr_db=6).solve(net)
    beam = iso.CoordinatedBeamforming(objective="max_min_beampattern", sinr_db=6).solve(net)
    worst_beam = min(t.sensing_sinr_db for t in beam.targets)
    assert sens.objective >= worst_beam - 1e-6


def test_bad_combinations_are_refused():
    net = _net(users=False)
    with pytest.raises(iso.ValidationError, match="sensing_sinr_db"):
        iso.CoordinatedBeamforming(objective="max_min_sensing_sinr", sensing_sinr_db=0).solve(net)
    with pytest.raises(iso.ValidationError, match="sensing_streams"):
        iso.CoordinatedBeamforming(objective="max_min_sensing_sinr", sensing_streams=False).solve(net)


def test_a_level_counts_only_when_its_design_certifies():
    """hex-7cell-min-power-nulling: at the best level the SDP's extracted design missed a user's SINR target
    by 1.1e-6 (over the certificate's 1e-6), and the solve ended solver_failure with no reason. Each level is
    now certified when it is solved; the design is checked here with the metric functions directly."""
    pf = iso.load_problem(find("hex-7cell-min-power-nulling"))
    net = pf.network()
    prob = iso.CoordinatedBeamforming.model_validate({**pf.problem.model_dump(), "objective": "max_min_sensing_sinr"})
    sol = prob.solve(net)
    assert sol.status == "optimal", sol.reason
    ch = derive_channels(net)
    achieved = 10 * np.log10(sinr(net, ch, sol.design))
    wanted = np.array([u.sinr_db for u in net.users])
    assert np.all(achieved >= wanted - 1e-4)
    ss = sensing_sinr(net, ch, sol.design)
    heads = [t.sensing_bs[0] for t in sol.targets]
    ids = [b.id for b in net.base_stations]
    worst = min(10 * np.log10(ss[ids.index(h), t]) for t, h in enumerate(heads))
    assert sol.objective == pytest.approx(worst, abs=1e-6)
    assert sol.objective <= sol.bound < sol.objective + 0.02

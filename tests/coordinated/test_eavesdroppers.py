"""Eavesdropper caps in coordinated beamforming (#20): the min-power SDP with caps against a second,
independent formulation (complex Hermitian cvxpy variables, full antenna space), the SINR at each
eavesdropper recomputed from the returned beams with plain numpy, a free eavesdropper (in the null space of
every beam) that costs nothing, and one on top of a user that makes the problem infeasible by name."""

import warnings

import cvxpy as cp
import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import derive_channels


def _net(seed: int, eves, nt: int = 6, channels: dict | None = None) -> iso.Network:
    return iso.Network(
        base_stations=[{"id": "bs0", "position_m": (0, 0), "tx_antennas": nt, "rx_antennas": 4, "power_w": 1.0},
                       {"id": "bs1", "position_m": (400, 0), "tx_antennas": nt, "rx_antennas": 4, "power_w": 1.0}],
        users=[{"id": "u0", "position_m": (100, 50), "sinr_db": 10}, {"id": "u1", "position_m": (-80, 90), "sinr_db": 6},
               {"id": "u2", "position_m": (450, -70), "sinr_db": 10}],
        targets=[{"id": "t0", "position_m": (150, -60)}, {"id": "t1", "position_m": (380, 120)}],
        eavesdroppers=eves, channels=channels or {"model": "rayleigh", "seed": seed})


def _eve(x, y, cap_db=-5.0, name="eve0"):
    return {"id": name, "position_m": (x, y), "max_sinr_db": cap_db}


def _independent_min_power(net, floor_w: float) -> float:
    """min sum_b tr(R_b) over complex Hermitian W_k (at the nearest BS) and R0_b, with the SINR targets, the
    beampattern floors toward each target's nearest BS and the eavesdropper caps, written from SPEC.md alone."""
    ch = derive_channels(net)
    unit = np.sqrt(ch.noise_w)  # channels in noise units (noise power 1): Clarabel sees numbers near 1
    nb, nt = net.n_bs, net.base_stations[0].tx_antennas
    bs = np.array([b.position_m for b in net.base_stations])
    serving = [int(np.argmin(np.linalg.norm(bs - np.array(u.position_m), axis=1))) for u in net.users]
    sensing = [int(np.argmin(np.linalg.norm(bs - np.array(t.position_m), axis=1))) for t in net.targets]
    W = [cp.Variable((nt, nt), hermitian=True) for _ in net.users]
    R0 = [cp.Variable((nt, nt), hermitian=True) for _ in range(nb)]
    R = [sum((W[k] for k in range(net.n_users) if serving[k] == b), start=R0[b]) for b in range(nb)]
    q = lambda h, X: cp.real(h.conj() @ X @ h)  # noqa: E731
    cons = [X >> 0 for X in W + R0] + [cp.real(cp.trace(R[b])) <= net.base_stations[b].power_w for b in range(nb)]
    for k, u in enumerate(net.users):
        gamma = 10 ** (u.sinr_db / 10)
        h = [ch.comm[b][k] / unit for b in range(nb)]
        cons.append(q(h[serving[k]], W[k]) >= gamma * (sum(q(h[b], R[b]) for b in range(nb)) - q(h[serving[k]], W[k])
                                                       + 1))
    for t in range(net.n_targets):
        a = ch.tx_steering[sensing[t]][t]
        cons.append(q(a, R[sensing[t]]) >= floor_w)
    for e, eve in enumerate(net.eavesdroppers):
        cap = 10 ** (eve.max_sinr_db / 10)
        g = [ch.eve[b][e] / unit for b in range(nb)]
        for k in range(net.n_users):
            heard = sum(q(g[b], R[b]) for b in range(nb))
            cons.append(q(g[serving[k]], W[k]) <= cap * (heard - q(g[serving[k]], W[k]) + 1))
    prob = cp.Problem(cp.Minimize(sum(cp.real(cp.trace(R[b])) for b in range(nb))), cons)
    with warnings.catch_warnings():  # this plain formulation is less well scaled than isacopt's: Clarabel may
        warnings.simplefilter("ignore")  # stop a few iterations short; its value is compared to 1e-5 all the same
        prob.solve(solver=cp.CLARABEL)
    assert prob.status in ("optimal", "optimal_inaccurate")
    return float(prob.value)


def _numpy_eve_sinr(net, design) -> np.ndarray:
    ch = derive_channels(net)
    out = np.zeros((net.n_eavesdroppers, net.n_users))
    for e in range(net.n_eavesdroppers):
        amp = np.array([[ch.eve[b][e].conj() @ design.beams[b][:, k] for k in range(net.n_users)]
                        for b in range(net.n_bs)]).sum(axis=0)
        sense = sum(np.real(ch.eve[b][e].conj() @ design.sensing[b] @ ch.eve[b][e]) for b in range(net.n_bs))
        p = np.abs(amp) ** 2
        out[e] = p / (p.sum() - p + sense + ch.noise_w)
    return out


@pytest.mark.parametrize("seed, eves", [
    (0, [_eve(140, -40)]),                                       # near a target and a user of bs0
    (1, [_eve(140, -40, -10), _eve(420, 60, -3, "eve1")]),       # two, one per cell
    (2, [_eve(-60, 70, 3.0)]),                                   # close to u1 (its target 6 dB): the cap binds
])
def test_min_power_with_caps_matches_an_independent_formulation(seed, eves):
    net = _net(seed, eves)
    floor = 0.3
    sol = iso.CoordinatedBeamforming(objective="min_power", beampattern_floor_w=floor).solve(net)
    assert sol.status == "optimal" and sol.certified(1e-5)
    assert sol.objective == pytest.approx(_independent_min_power(net, floor), rel=1e-5)
    free = iso.CoordinatedBeamforming(objective="min_power", beampattern_floor_w=floor).solve(
        net.with_updates(eavesdroppers=()))
    assert sol.objective >= free.objective * (1 - 1e-7)  # a cap never makes it cheaper
    measured = _numpy_eve_sinr(net, sol.design)
    caps = np.array([10 ** (e["max_sinr_db"] / 10) for e in eves])
    assert np.all(measured <= caps[:, None] * (1 + 1e-5))
    for e, result in enumerate(sol.eavesdroppers):  # what the Solution reports is what the beams do
        assert result.sinr_db == pytest.approx(10 * np.log10(measured[e].max()), abs=1e-6)
        rates = np.array([u.rate_bps_hz for u in sol.users])
        assert result.secrecy_rate_bps_hz == pytest.approx(np.maximum(0, rates - np.log2(1 + measured[e])), abs=1e-9)


def test_an_eavesdropper_every_beam_can_avoid_costs_nothing():
    # line of sight, many antennas, the eavesdropper far off every user's direction and behind a BS: a cap
    # that the unconstrained optimum already meets changes nothing
    net = _net(0, [_eve(-600, -500, 0.0)], nt=16, channels={"model": "los"})
    opts = dict(objective="min_power", beampattern_floor_w=0.3)
    free = iso.CoordinatedBeamforming(**opts).solve(net.with_updates(eavesdroppers=()))
    capped = iso.CoordinatedBeamforming(**opts).solve(net)
    assert capped.status == "optimal"
    assert capped.objective == pytest.approx(free.objective, rel=1e-6)


def test_an_eavesdropper_on_a_user_makes_it_infeasible_and_is_named():
    # at the user's own position (1 m off) the eavesdropper hears what the user hears: SINR 10 dB cannot
    # stay below -5 dB there
    net = _net(0, [_eve(101, 50, -5.0, "spy")], channels={"model": "los"})
    sol = iso.CoordinatedBeamforming(objective="min_power").solve(net)
    assert sol.status == "infeasible"
    assert "spy" in sol.reason and "u0" in sol.reason


def test_the_socp_relaxation_refuses_eavesdroppers_with_the_fix():
    net = _net(0, [_eve(140, -40)])
    with pytest.raises(iso.ValidationError, match="'sdp'"):
        iso.CoordinatedBeamforming(objective="min_power", relaxation="socp").solve(net)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("objective, options", [("min_power", {"beampattern_floor_w": 0.3}),
                                                ("max_min_beampattern", {}), ("max_min_sinr", {})])
def test_the_subspace_path_equals_the_sdp_with_eavesdropper_and_privacy_caps(seed, objective, options):
    # Nt = 10: blocks larger than the subspace loop's whole-block size, so the subspaces grow
    private = _eve(420, 60, -3, "eve1")
    private["max_beampattern_w"] = 0.5
    net = _net(seed, [_eve(140, -40, -10), private], nt=10)
    if objective == "max_min_sinr":
        net = net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])
    sdp = iso.CoordinatedBeamforming(objective=objective, relaxation="sdp", **options).solve(net)
    fast = iso.CoordinatedBeamforming(objective=objective, relaxation="subspace", **options).solve(net)
    assert sdp.status == fast.status == "optimal"
    tol = 1e-3 if objective == "max_min_sinr" else 1e-5  # a bisection in dB stops within its tolerance
    assert fast.objective == pytest.approx(sdp.objective, rel=tol, abs=tol)
    caps = np.array([[0.1], [10 ** -0.3]])
    assert np.all(_numpy_eve_sinr(net, fast.design) <= caps * (1 + 1e-5))
    assert fast.eavesdroppers[1].beampattern_w <= 0.5 * (1 + 1e-6)
    free = iso.CoordinatedBeamforming(objective=objective, relaxation="subspace", **options).solve(
        net.with_updates(eavesdroppers=()))
    assert free.objective != pytest.approx(fast.objective, rel=1e-3)  # the caps bind: they are tested


def test_explicit_channels_carry_the_eavesdroppers_and_refuse_without_them(tmp_path):
    drawn = _net(3, [_eve(140, -40)])
    ch = derive_channels(drawn)
    comm = np.stack(ch.comm)
    eve = np.stack(ch.eve)
    explicit = drawn.with_updates(channels=iso.ExplicitChannels.from_arrays(comm, eve=eve))
    a = iso.CoordinatedBeamforming(objective="min_power").solve(drawn)
    b = iso.CoordinatedBeamforming(objective="min_power").solve(explicit)
    assert b.objective == pytest.approx(a.objective, rel=1e-7)
    missing = drawn.with_updates(channels=iso.ExplicitChannels.from_arrays(comm))
    with pytest.raises(iso.ValidationError, match="eve"):
        derive_channels(missing)


def test_eavesdropper_draws_leave_the_users_channels_unchanged():
    with_eve = derive_channels(_net(5, [_eve(140, -40)]))
    without = derive_channels(_net(5, []))
    for a, b in zip(with_eve.comm, without.comm):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("objective", ["max_min_beampattern", "max_min_sinr", "max_min_sensing_sinr", "min_angle_crb",
                                       "weighted"])
def test_every_objective_keeps_the_caps(objective):
    net = _net(1, [_eve(140, -40, -10), _eve(420, 60, -3, "eve1")])
    if objective == "max_min_sinr":
        net = net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])
    sol = iso.CoordinatedBeamforming(objective=objective).solve(net)
    assert sol.status == "optimal", sol.reason
    measured = _numpy_eve_sinr(net, sol.design)
    assert np.all(measured <= np.array([[0.1], [10 ** -0.3]]) * (1 + 1e-5))


def test_an_eavesdropper_couples_groups_that_would_otherwise_be_solved_apart():
    # comm_cluster 2 nulls each BS toward the other's users: without eavesdroppers the two cells are
    # independent sub-problems; an eavesdropper hears both, so the problem is solved whole
    free = iso.CoordinatedBeamforming(objective="min_power", comm_cluster=2, sensing_streams=False)
    net = _net(0, [], nt=6).with_updates(targets=())
    assert len(free._groups(free._prepare(net))) == 2
    capped = net.with_updates(eavesdroppers=[_eve(200, 80, -10)])
    assert len(free._groups(free._prepare(capped))) == 1
    sol = free.solve(capped)
    assert sol.status == "optimal", sol.reason
    assert np.all(_numpy_eve_sinr(capped, sol.design) <= 0.1 * (1 + 1e-5))

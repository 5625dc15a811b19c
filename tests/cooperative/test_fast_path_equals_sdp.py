"""CooperativeISAC on the default path (the dual LMI form with a dual certificate, cooperative.linear_form)
against the cvxpy SDP (``relaxation='sdp'``, the reference) on seeded random instances of every kind the
default path takes: coherent and non-coherent CoMP blocks, fusion / multistatic / coherent radar pairs,
unified and orthogonal waveforms, Type-II receivers, a fixed power split, min_sum_crlb and min_power.
The same status and relaxation optimum (bound) to 1e-5, the designs' values too where the relaxation is tight
(a fixed split with coherent blocks is not always: the extraction's surplus ``W - w w^H`` may not all go
to R0), every design's value at or above the bound; an infeasible instance infeasible on both (the default path
hands it to the SDP, which names the conflict); the problems it does not take go through cvxpy alone."""

import numpy as np
import pytest

import isacopt as iso
from isacopt.cooperative import CooperativeISAC
from isacopt.cooperative.fast_path import why_not
from isacopt.cooperative.linear_form import cooperative_linear_sdp
from isacopt.solve.restricted import BlockTerms
from isacopt.solve.subspace import certify, solve_subspace
from tests.helpers import small_multicell

VARIANTS = [
    {"joint_transmission": "coherent", "pairs": "multistatic", "sensing_waveform": "unified"},
    {"joint_transmission": "non_coherent", "pairs": "multistatic", "sensing_waveform": "orthogonal"},
    {"joint_transmission": "coherent", "pairs": "fusion", "sensing_waveform": "orthogonal", "type2": True},
    {"joint_transmission": "coherent", "pairs": "coherent", "sensing_waveform": "orthogonal", "comm_fraction": 0.6},
    {"joint_transmission": "non_coherent", "pairs": "multistatic", "sensing_waveform": "unified",
     "objective": "min_power"},
    {"joint_transmission": "coherent", "pairs": "multistatic", "sensing_waveform": "orthogonal",
     "objective": "weighted", "crlb_weights": {"t0": 3.0, "t1": 0.5}},
]


def instance(seed: int, variants: list[dict] = VARIANTS):
    rng = np.random.default_rng(seed)
    extra = dict(variants[seed % len(variants)])
    n_bs = int(rng.integers(3, 5))
    net = small_multicell(seed, n_bs=n_bs, nt=int(rng.choice([2, 4])), users_per_bs=1, targets_per_bs=1,
                          sinr_db=float(rng.choice([0.0, 3.0])))
    if extra.pop("type2", False):
        net = net.with_updates(users=[u.model_copy(update={"receiver": "type2"}) for u in net.users])
    extra.setdefault("objective", "min_sum_crlb")
    if extra["objective"] == "weighted":  # a price on power from negligible to dominant [m^2 per W]
        extra["power_weight_m2_per_w"] = float(rng.choice([1e-3, 1.0, 30.0]))
    extra["sensing_cluster"] = 3 if extra["pairs"] == "fusion" else int(rng.integers(2, 4))
    return net, {"comm_cluster": int(rng.integers(1, 3)), **extra}


def both(net, extra: dict):
    return [CooperativeISAC(relaxation=r, **extra).solve(net) for r in ("sdp", "auto")]


@pytest.mark.parametrize("seed", range(40, 52))
def test_the_default_path_equals_the_sdp(seed):
    net, extra = instance(seed)
    assert why_not(CooperativeISAC(**extra), net) is None
    sdp, fast = both(net, extra)
    assert fast.attempts[0].startswith("subspace")
    assert fast.status == sdp.status == "optimal", (fast.reason, sdp.reason, fast.attempts)
    assert fast.certificate.holds
    assert fast.bound == pytest.approx(sdp.bound, rel=1e-5)  # the same relaxation's optimum
    for sol in (fast, sdp):
        assert sol.bound <= sol.objective * (1 + 1e-6)  # a lower bound of a minimisation, on both paths
    if sdp.certificate.relaxation_gap < 1e-6:  # a tight relaxation: the designs' values agree too
        assert fast.objective == pytest.approx(sdp.objective, rel=1e-5)
    assert not fast.timing.recompiled


def test_an_infeasible_instance_is_infeasible_on_both():
    net = small_multicell(3, n_bs=3, nt=2, users_per_bs=2, targets_per_bs=1, sinr_db=40.0)
    sdp, fast = both(net, {"objective": "min_sum_crlb", "comm_cluster": 1, "sensing_cluster": 3})
    assert sdp.status == fast.status == "infeasible"
    assert fast.attempts[0].startswith("subspace") and len(fast.attempts) > 1  # the SDP named the conflict
    assert fast.conflicts == sdp.conflicts


def test_the_bound_holds_for_any_multipliers():
    """The repaired dual bound (each BS's budget multiplier raised by the largest eigenvalue among the blocks
    that span it: a coherent block spans two BSs) never exceeds the optimum of the minimisation."""
    net, extra = instance(40)
    opts = CooperativeISAC(**{**extra, "comm_cluster": 2, "joint_transmission": "coherent"})
    data, assoc = opts.prepare(net)
    sdp = cooperative_linear_sdp(opts, data, assoc)
    assert any(len(blk.spans) > 1 for blk in sdp.blocks)
    optimum = solve_subspace(sdp, data, full_dim=100).value
    terms, rng = BlockTerms.group(sdp), np.random.default_rng(0)
    for _ in range(50):
        y = rng.exponential(rng.choice([1e-3, 1.0, 10.0]), len(sdp.rows)) * (rng.random(len(sdp.rows)) < 0.5)
        bound, _, _ = certify(sdp, terms, y)
        assert bound <= optimum * (1 + 1e-9)


@pytest.mark.parametrize("extra, reason", [
    ({"objective": "min_max_crlb"}, "objective"),
    ({"objective": "min_sum_crlb", "root_crlb_m": 50.0}, "root-CRLB limits"),
    ({"objective": "min_sum_crlb", "angle_information": True}, "angle information"),
])
def test_what_the_default_path_does_not_take_goes_through_cvxpy(extra, reason):
    net = small_multicell(1, n_bs=3, nt=2, users_per_bs=1, targets_per_bs=1, sinr_db=0.0)
    opts = CooperativeISAC(sensing_cluster=3, **extra)
    assert reason in why_not(opts, net)
    sol = opts.solve(net)
    assert not any(a.startswith("subspace") for a in sol.attempts)
    with pytest.raises(iso.ValidationError, match="relaxation"):
        CooperativeISAC(sensing_cluster=3, relaxation="subspace", **extra).solve(net)


def test_a_solve_left_open_without_refinement_is_solved_again_refined():
    """Phase-coherent pairs (FIM coefficients over many decades): Clarabel without iterative refinement (the
    default path's setting) ends with a gap of 1e-3 here; the refined second solve certifies, no cvxpy."""
    net, extra = instance(143, VARIANTS[:5])  # phase-coherent pairs, orthogonal waveform, a fixed split
    sol = CooperativeISAC(**extra).solve(net)
    assert sol.status == "optimal"
    assert [a.split(":")[0] for a in sol.attempts] == ["subspace", "subspace"], sol.attempts
    assert "unrefined" in sol.attempts[0] and sol.attempts[1].startswith("subspace: optimal")


@pytest.mark.parametrize("seed", range(60, 64))
def test_max_min_rate_bisection_on_the_default_path_equals_the_sdp(seed):
    """Each bisection step is the utilisation problem (min alpha, budgets scaled by alpha) as ``max t = -alpha``
    on the subspace path: the same common rate and certified bound as the cvxpy steps, to the bisection's
    tolerance (the decisions are the same levels'; each side's design is certified on its own)."""
    net, extra = instance(seed)
    extra = {k: v for k, v in extra.items() if k != "objective"}
    net = net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])
    if seed % 2:  # a backhaul that carries the sensing load and caps the common rate at about 1 bit/s/Hz
        opts = CooperativeISAC(objective="max_min_rate", **extra)
        load = opts.sensing_load(*opts.prepare(net))
        cap = load + 2 * net.system.bandwidth_hz
        net = net.with_updates(base_stations=[b.model_copy(update={"backhaul_bps": float(c)})
                                              for b, c in zip(net.base_stations, cap)])
    sdp, fast = both(net, {**extra, "objective": "max_min_rate"})
    assert fast.status == sdp.status == "optimal", (fast.reason, sdp.reason)
    assert all(a.startswith("subspace") for a in fast.attempts)
    tol = CooperativeISAC().rate_tol
    assert fast.objective == pytest.approx(sdp.objective, abs=tol)
    assert fast.bound == pytest.approx(sdp.bound, abs=tol)
    assert fast.objective <= fast.bound and fast.certificate.holds


def test_a_gap_just_short_of_the_tolerance_is_accepted_and_reported():
    """A small min-power problem whose whole-space solve certifies a gap of about 1e-6 (Clarabel's accuracy,
    refined or not) is accepted at that gap instead of going to cvxpy; the optimum is still the SDP's."""
    net, extra = instance(160)
    sdp, fast = both(net, extra)
    assert len(fast.attempts) == 1 and fast.attempts[0].endswith("; accepted)"), fast.attempts
    assert fast.status == "optimal" and fast.objective == pytest.approx(sdp.objective, rel=1e-5)

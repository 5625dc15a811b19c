"""Rate and weighted objectives of the cooperative problem against closed forms and second formulations."""

import math

import numpy as np
import pytest

from isacopt.channels import derive_channels
from isacopt.cooperative import CooperativeISAC
from tests.helpers import one_bs, small_multicell
from tests.independent import recheck_comm


def single_user_rate(net):
    h = derive_channels(net).comm[0][0]
    return math.log2(1 + net.base_stations[0].power_w * np.vdot(h, h).real / net.system.noise_w)


@pytest.mark.parametrize("objective", ["max_min_rate", "max_sum_rate"])
def test_single_user_gets_the_matched_filter_rate(objective):
    """One BS, one user, no target to protect: all power on MRT, r = log2(1 + P ||h||^2 / sigma^2)."""
    net = one_bs(nt=4, users=((120.0, 40.0),), targets=(), sinr_db=None)
    sol = CooperativeISAC(objective=objective, sensing_cluster=1, pairs="fusion").solve(net)
    assert sol.ok, sol.reason
    recheck_comm(net, sol)
    assert sol.objective == pytest.approx(single_user_rate(net), abs=2e-3)


def test_max_min_rate_meets_crlb_limits():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    free = CooperativeISAC(objective="max_min_rate", comm_cluster=2, sensing_cluster=3,
                           joint_transmission="non_coherent").solve(net)
    limited = CooperativeISAC(objective="max_min_rate", comm_cluster=2, sensing_cluster=3,
                              joint_transmission="non_coherent", root_crlb_m=40.0).solve(net)
    assert free.ok and limited.ok and limited.certificate.holds, limited.reason
    assert max(free.targets, key=lambda t: t.root_crlb_m).root_crlb_m > 40.0  # the limit binds
    assert max(t.root_crlb_m for t in limited.targets) <= 40.0 * (1 + 1e-6)
    assert limited.objective <= free.bound + 1e-9 and limited.bound >= limited.objective


def test_max_min_rate_is_the_edge_of_min_power_feasibility():
    """Second formulation: min_power 0.1 bit/s/Hz below the found rate is feasible, 0.02 above the bound is not
    (closer below, the plain min-power SDP is too ill-posed for Clarabel; the bisection avoids it)."""
    net = small_multicell(2, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    common = dict(comm_cluster=2, sensing_cluster=2, joint_transmission="non_coherent")
    sol = CooperativeISAC(objective="max_min_rate", **common).solve(net)
    assert sol.ok and sol.certificate.holds, sol.reason
    rates = [u.rate_bps_hz for u in sol.users]
    assert min(rates) == pytest.approx(sol.objective) and sol.bound >= sol.objective
    assert sol.bound - sol.objective < 0.05, sol.reason
    below = CooperativeISAC(objective="min_power", rate_bps_hz=sol.objective - 0.1, **common).solve(net)
    above = CooperativeISAC(objective="min_power", rate_bps_hz=sol.bound + 0.02, **common).solve(net)
    assert below.ok and above.status == "infeasible"


def test_coherent_max_min_rate_beats_non_coherent_and_certifies():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None)
    coh = CooperativeISAC(objective="max_min_rate", comm_cluster=2, joint_transmission="coherent").solve(net)
    non = CooperativeISAC(objective="max_min_rate", comm_cluster=2, joint_transmission="non_coherent").solve(net)
    assert coh.ok and non.ok
    recheck_comm(net, coh, joint="coherent")
    recheck_comm(net, non, joint="non_coherent")
    for s in (coh, non):  # the objective is the common rate every user gets: the worst rechecked rate, to tolerance
        assert s.objective == pytest.approx(min(np.log2(1 + 10 ** (u.sinr_db / 10)) for u in s.users), rel=1e-6)
    assert coh.objective >= non.objective - 2e-3


def test_backhaul_caps_the_common_rate():
    """Each non-head BS of C_k receives B r_k: capacity C with one shared user caps r at C / B."""
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None,
                          backhaul_bps=100e6)
    sol = CooperativeISAC(objective="max_min_rate", comm_cluster=2, sensing_cluster=1, pairs="fusion",
                          joint_transmission="non_coherent").solve(net)
    assert sol.ok and sol.certificate.holds, sol.reason
    bandwidth = net.system.bandwidth_hz
    shared = max(sum(1 for u in sol.users if bs.id in u.serving_bs[1:]) for bs in sol.base_stations)
    assert sol.objective <= 100e6 / (bandwidth * shared) + 1e-9
    for bs in sol.base_stations:
        assert bs.backhaul_load_bps <= bs.backhaul_capacity_bps * (1 + 1e-6)


def test_sum_rate_respects_backhaul_and_never_loses_to_max_min():
    net = small_multicell(0, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=None,
                          backhaul_bps=150e6)
    opts = dict(comm_cluster=2, sensing_cluster=1, pairs="fusion", joint_transmission="non_coherent")
    total = CooperativeISAC(objective="max_sum_rate", **opts).solve(net)
    fair = CooperativeISAC(objective="max_min_rate", **opts).solve(net)
    assert total.status == "local_optimum" and total.bound is None and total.certificate.holds, total.reason
    for bs in total.base_stations:
        assert bs.backhaul_load_bps <= 150e6 * (1 + 1e-6)
    assert total.objective >= sum(u.rate_bps_hz for u in fair.users) - 1e-2


def test_weighted_without_power_price_is_min_sum_crlb_and_weights_move_accuracy():
    net = small_multicell(1, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=0.0)
    opts = dict(sensing_cluster=3, comm_cluster=1)
    plain = CooperativeISAC(objective="min_sum_crlb", **opts).solve(net)
    weighted = CooperativeISAC(objective="weighted", **opts).solve(net)
    assert plain.ok and weighted.ok
    assert weighted.objective == pytest.approx(plain.objective, rel=1e-5)
    t0 = net.targets[0].id
    favour = CooperativeISAC(objective="weighted", crlb_weights={t0: 50.0}, **opts).solve(net)
    assert favour.ok and favour.certificate.holds
    assert favour.targets[0].root_crlb_m < plain.targets[0].root_crlb_m
    priced = CooperativeISAC(objective="weighted", power_weight_m2_per_w=1e3, **opts).solve(net)
    assert priced.ok and priced.network.total_power_w < plain.network.total_power_w


def test_unknown_weight_target_and_conflicting_targets_are_named():
    net = small_multicell(1, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=0.0)
    from isacopt.errors import ValidationError

    with pytest.raises(ValidationError, match="crlb_weights"):
        CooperativeISAC(objective="weighted", crlb_weights={"nope": 1.0}).solve(net)
    with pytest.raises(ValidationError, match="common rate"):
        CooperativeISAC(objective="max_min_rate", sinr_db=3.0)


def test_fixed_power_split_is_respected_and_reported():
    net = small_multicell(1, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, channels={"model": "los"}, sinr_db=0.0)
    free = CooperativeISAC(objective="min_sum_crlb", sensing_cluster=3).solve(net)
    fixed = CooperativeISAC(objective="min_sum_crlb", sensing_cluster=3, comm_fraction=0.3).solve(net)
    assert free.ok and fixed.ok and fixed.certificate.holds, fixed.reason
    for bs in fixed.base_stations:
        assert bs.comm_power_w <= 0.3 * bs.power_budget_w * (1 + 1e-6)
        assert bs.sensing_power_w <= 0.7 * bs.power_budget_w * (1 + 1e-6)
        assert bs.comm_power_w + bs.sensing_power_w == pytest.approx(bs.power_w)
    assert fixed.objective >= free.objective * (1 - 1e-6)  # a fixed split can only cost accuracy

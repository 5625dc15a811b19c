"""max_sum_rate and max_energy_efficiency on the default path (cooperative.sca_fast: every SCA step a surrogate
in linear form with exponential cones, solved and certified by the subspace loop) against the cvxpy path
(``relaxation='sdp'``, the reference) on seeded random instances: coherent and non-coherent CoMP, Type-II
receivers, a fixed split, rate floors, root-CRLB limits, an eavesdropper. Both run the same iteration from the
same point, so the same status, the same relaxation value at the last point to 1e-5 (the design's value too
where both relaxations are rank one; else each extraction reads its own optimal matrices) and, for the energy
efficiency, the same bound; binding backhaul rate caps too."""

import re

import numpy as np
import pytest

import isacopt as iso
from isacopt.cooperative import CooperativeISAC
from isacopt.cooperative.fast_path import why_not
from tests.helpers import SCA_OPTS, sca_network, small_multicell

VARIANTS = [
    {"joint_transmission": "coherent", "pairs": "multistatic"},
    {"joint_transmission": "non_coherent", "pairs": "fusion", "type2": True},
    {"joint_transmission": "coherent", "pairs": "multistatic", "comm_fraction": 0.7, "root_crlb_m": 30.0},
    {"joint_transmission": "non_coherent", "pairs": "multistatic", "floor": True},
    {"joint_transmission": "coherent", "pairs": "fusion", "eavesdropper": True},
]


def instance(seed: int, objective: str):
    rng = np.random.default_rng(seed)
    extra = dict(VARIANTS[seed % len(VARIANTS)])
    floor = 0.0 if extra.pop("floor", False) else None
    net = small_multicell(seed, n_bs=int(rng.integers(2, 4)), nt=int(rng.choice([2, 4])), users_per_bs=1,
                          targets_per_bs=1, sinr_db=floor, circuit_power_w=1.0)
    if extra.pop("type2", False):
        net = net.with_updates(users=[u.model_copy(update={"receiver": "type2"}) for u in net.users])
    if extra.pop("eavesdropper", False):
        net = net.with_updates(eavesdroppers=[{"id": "e0", "position_m": (150.0, 60.0), "max_sinr_db": 0.0}])
    return net, {"objective": objective, "comm_cluster": int(rng.integers(1, 3)), "sensing_cluster": 2, **extra}


def relaxation_value(sol) -> float:
    """The relaxation's sum rate or EE at the last SCA point, as the solution's reason states it."""
    return float(re.search(r"relaxation (?:sum rate|EE) ([0-9.e+-]+)", sol.reason).group(1))


@pytest.mark.parametrize("objective", ["max_sum_rate", "max_energy_efficiency"])
@pytest.mark.parametrize("seed", range(5))
def test_the_default_path_runs_the_sdp_paths_iteration(seed, objective):
    net, extra = instance(seed, objective)
    assert why_not(CooperativeISAC(**extra), net) is None
    sdp, fast = (CooperativeISAC(relaxation=r, **extra).solve(net) for r in ("sdp", "auto"))
    assert fast.attempts[0].startswith("subspace") and all(a.startswith("subspace") for a in fast.attempts)
    assert sdp.attempts[0].startswith("clarabel")
    assert fast.status == sdp.status and fast.status in ("local_optimum", "optimal"), (fast.reason, sdp.reason)
    assert fast.certificate.holds
    assert relaxation_value(fast) == pytest.approx(relaxation_value(sdp), rel=1e-5)
    # the designs' values where both relaxations are rank one (else each extraction reads its own optimum), to
    # 5e-5: the top eigenvector of matrices that Clarabel solved to its reduced accuracy with exponential
    # cones (AlmostSolved, tails of 1e-7 to 1e-6) moves a sum rate by up to 2e-5
    if fast.certificate.rank_one and sdp.certificate.rank_one:
        assert fast.objective == pytest.approx(sdp.objective, rel=5e-5)
    if objective == "max_energy_efficiency":
        assert fast.bound == pytest.approx(sdp.bound, rel=1e-5)
        assert fast.bound >= fast.objective * (1 - 1e-9)
    else:
        assert fast.bound is None  # a local optimum bounds nothing
    # the objective is the design's own metric, recomputed from its SINRs
    if objective == "max_sum_rate":
        rates = [np.log2(1 + 10 ** (u.sinr_db / 10)) for u in fast.users]
        assert fast.objective == pytest.approx(float(np.sum(rates)), rel=1e-9)


@pytest.mark.parametrize("objective", ["max_sum_rate", "max_energy_efficiency"])
@pytest.mark.parametrize("seed", [3, 5])
def test_binding_backhaul_rate_caps_on_the_default_path(seed, objective):
    """CoMP pairs over a 150 Mbit/s backhaul: the surrogate's rate caps (rows holding log(1 + I_k) levels) bind
    (the sum rate is capped at 6 bit/s/Hz); the same local optimum as the cvxpy path's."""
    net = sca_network(seed)
    sdp, fast = (CooperativeISAC(objective=objective, relaxation=r, **SCA_OPTS).solve(net) for r in ("sdp", "auto"))
    assert all(a.startswith("subspace") for a in fast.attempts), fast.attempts
    assert fast.status == sdp.status and fast.certificate.holds
    assert fast.objective == pytest.approx(sdp.objective, rel=1e-5)
    if objective == "max_sum_rate":
        assert fast.objective == pytest.approx(6.0, rel=1e-6)  # three users at the cap's 2 bit/s/Hz
        loads = [b.backhaul_load_bps / b.backhaul_capacity_bps for b in fast.base_stations]
        assert max(loads) <= 1 + 1e-6 and max(loads) > 0.99  # (the certificate checked it; the caps bind)


def test_sdp_on_request_keeps_the_cvxpy_path():
    net, extra = instance(0, "max_sum_rate")
    assert why_not(CooperativeISAC(relaxation="sdp", **extra), net) == "relaxation 'sdp' asked for"
    assert iso.CooperativeISAC(relaxation="sdp", **extra).solve(net).attempts[0].startswith("clarabel")

"""The interference-aware position CRLB (``crlb_interference``) on the default path: every step of the
majorise-minimise iteration (the levels I_bar of a design frozen in the Fisher information and imposed as
rows, cooperative.linear_form.interference_rows) against the same step of the cvxpy SDP (terms.position_crlb
with ``set_levels``) on seeded random instances of every kind; then the whole local method on both paths."""

import re
import time

import numpy as np
import pytest

from isacopt.cooperative import CooperativeISAC
from isacopt.cooperative.fast_path import certified_solve, why_not
from isacopt.cooperative.interference_mm import interference_keys
from isacopt.cooperative.linear_form import cooperative_linear_sdp
from isacopt.metrics.position_crlb import receiver_noise
from isacopt.solve.runner import DEFAULT_CHAIN
from tests.cooperative.test_fast_path_equals_sdp import instance

CRLB_KINDS = [  # every instance kind with the CRLB in the objective or in a limit
    {"joint_transmission": "coherent", "pairs": "multistatic", "sensing_waveform": "unified"},
    {"joint_transmission": "non_coherent", "pairs": "multistatic", "sensing_waveform": "orthogonal"},
    {"joint_transmission": "coherent", "pairs": "fusion", "sensing_waveform": "orthogonal", "type2": True},
    {"joint_transmission": "coherent", "pairs": "coherent", "sensing_waveform": "orthogonal", "comm_fraction": 0.6},
    {"joint_transmission": "coherent", "pairs": "multistatic", "sensing_waveform": "orthogonal",
     "objective": "weighted", "crlb_weights": {"t0": 3.0, "t1": 0.5}},
    {"joint_transmission": "non_coherent", "pairs": "multistatic", "sensing_waveform": "unified",
     "objective": "min_max_crlb"},
]


def levels_of(opts, data, design, assoc, scale: float) -> dict:
    """The interference the design leaves at every cluster receiver, times ``scale`` (< 1: levels that bind)."""
    noise = receiver_noise(data.channels, design, opts.sensing_waveform, True) - data.channels.noise_w
    return {(t, j): scale * max(float(noise[j, t]), 0.0) for t, j in interference_keys(assoc)}


@pytest.mark.parametrize("seed", range(90, 96))
def test_each_step_equals_the_cvxpy_step(seed):
    """At the levels of the noise-limited design (and at 0.7 of them, which bind), the step's optimum on the
    default path is the cvxpy SDP's to 1e-5."""
    net, extra = instance(seed, CRLB_KINDS)
    opts = CooperativeISAC(crlb_interference=True, **extra)
    assert why_not(opts, net) is None
    noise_limited = CooperativeISAC(**extra).solve(net)
    data, assoc = opts.prepare(net)
    compiled, _ = opts.compiled(data, assoc, opts.objective_class, tuple(
        k for k, g in enumerate(data.sinr_targets) if g is not None))
    term = compiled.terms["crlb"]
    for scale in (1.0, 0.7):
        levels = levels_of(opts, data, noise_limited.design, assoc, scale)
        term.set_levels(data, levels)
        assert opts.run_chain(compiled, DEFAULT_CHAIN, None, []) == "solved"
        sdp = cooperative_linear_sdp(opts, data, assoc, interference=levels)
        res = certified_solve(sdp, data, None, time.perf_counter(), [])
        assert res.status == "optimal", res.message
        assert sdp.bound_si(res.bound, data.p_ref) == pytest.approx(compiled.bound_si(), rel=1e-5), scale


@pytest.mark.parametrize("seed", range(90, 94))
def test_the_local_method_on_the_default_path(seed):
    """Both paths: a local optimum with the noise-limited optimum as its bound (the same to 1e-5), never
    worse than the noise-limited design's true objective it starts from, and within 2 % of each other (each
    step's optimum is the same, the designs at it need not be, so the iterations may part)."""
    net, extra = instance(seed, CRLB_KINDS)
    sdp, fast = [CooperativeISAC(crlb_interference=True, relaxation=r, **extra).solve(net) for r in ("sdp", "auto")]
    assert sdp.status == fast.status == "local_optimum", (sdp.reason, fast.reason)
    assert all(a.startswith("subspace") for a in fast.attempts) and len(fast.attempts) >= 2
    assert fast.bound == pytest.approx(sdp.bound, rel=1e-5)
    assert fast.bound <= fast.objective * (1 + 1e-6)
    first, last = map(float, re.search(r"true objective (\S+) -> (\S+);", fast.reason).groups())
    assert last <= first * (1 + 1e-5)  # never worse than where it started
    assert fast.objective == pytest.approx(sdp.objective, rel=2e-2)
    assert fast.certificate.holds


def test_max_min_rate_with_crlb_interference_takes_the_default_path():
    """With CRLB interference a max-min rate has no root-CRLB limits (refused: the iteration needs a CRLB
    objective), so its steps are those without it: the same common rate and bound on both paths, and the
    reported CRLBs are the interference-aware ones of each path's design."""
    net, extra = instance(60)
    extra = {k: v for k, v in extra.items() if k != "objective"}
    net = net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])
    sdp, fast = [CooperativeISAC(objective="max_min_rate", crlb_interference=True, relaxation=r, **extra).solve(net)
                 for r in ("sdp", "auto")]
    assert fast.status == sdp.status == "optimal" and all(a.startswith("subspace") for a in fast.attempts)
    tol = CooperativeISAC().rate_tol
    assert fast.objective == pytest.approx(sdp.objective, abs=tol) and fast.bound == pytest.approx(sdp.bound, abs=tol)
    plain = CooperativeISAC(objective="max_min_rate", **extra).solve(net)
    assert fast.objective == pytest.approx(plain.objective, abs=1e-9)  # the same steps
    assert all(a.root_crlb_m > b.root_crlb_m for a, b in zip(fast.targets, plain.targets))  # interference counts

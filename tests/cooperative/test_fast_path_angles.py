"""Angle information (``angle_information``: each monostatic receiver's azimuth joins the position FIM) on the
default path: the azimuth information of receiver i about target t is an auxiliary scalar tau <= s F(R_i)
(a 1 x 1 block with its own bound row, cooperative.linear_form.angle_rows) whose second-order cone is four
rows; against the cvxpy SDP (terms.position_crlb) on seeded random instances of every kind, with root-CRLB
limits and with CRLB interference; and the repaired dual bound below the optimum for any multipliers."""

import numpy as np
import pytest

from isacopt.cooperative import CooperativeISAC
from isacopt.cooperative.fast_path import why_not
from isacopt.cooperative.linear_form import cooperative_linear_sdp
from isacopt.solve.restricted import BlockTerms, solve_restricted
from isacopt.solve.subspace import certify, solve_subspace
from tests.cooperative.test_fast_path_equals_sdp import instance
from tests.cooperative.test_fast_path_interference import CRLB_KINDS


def both(net, extra: dict):
    return [CooperativeISAC(relaxation=r, angle_information=True, **extra).solve(net) for r in ("sdp", "auto")]


@pytest.mark.parametrize("seed", range(100, 108))
def test_angle_information_on_the_default_path_equals_the_sdp(seed):
    net, extra = instance(seed, CRLB_KINDS)
    assert why_not(CooperativeISAC(angle_information=True, **extra), net) is None
    sdp, fast = both(net, extra)
    assert fast.status == sdp.status == "optimal", (fast.reason, sdp.reason, fast.attempts)
    assert all(a.startswith("subspace") for a in fast.attempts), fast.attempts
    assert fast.certificate.holds
    assert fast.bound == pytest.approx(sdp.bound, rel=1e-5)
    if sdp.certificate.relaxation_gap < 1e-6:
        assert fast.objective == pytest.approx(sdp.objective, rel=1e-5)
    without = CooperativeISAC(**extra).solve(net)
    # the angles are information: a lower optimum (next to phase-coherent pairs' information, 5e-7 lower)
    assert fast.bound < without.bound * (1 - (1e-7 if extra["pairs"] == "coherent" else 1e-4))


@pytest.mark.parametrize("seed", range(108, 111))
def test_root_crlb_limits_with_angle_information(seed):
    """min_power under a root-CRLB limit halfway between the best achievable largest root CRLB and the
    min-power design's: the limit binds, and both paths find the same power."""
    net, extra = instance(seed, CRLB_KINDS[:4])
    extra = {k: v for k, v in extra.items() if k != "objective"}
    free = CooperativeISAC(objective="min_power", angle_information=True, **extra).solve(net)
    best = CooperativeISAC(objective="min_max_crlb", angle_information=True, **extra).solve(net)
    limit = float(0.5 * (np.sqrt(best.objective) + max(t.root_crlb_m for t in free.targets)))
    sdp, fast = both(net, {**extra, "objective": "min_power", "root_crlb_m": limit})
    assert fast.status == sdp.status == "optimal", (fast.reason, sdp.reason, fast.attempts)
    assert fast.attempts[0].startswith("subspace")
    assert fast.objective == pytest.approx(sdp.objective, rel=1e-5)
    assert fast.objective > free.objective * (1 + 1e-4)  # the limit binds
    assert max(t.root_crlb_m for t in fast.targets) <= limit * (1 + 1e-6)


def test_with_crlb_interference_too():
    """Both options at once: every step of the interference iteration with the angle blocks; the bound (the
    noise-limited optimum with angles) is the SDP's, the local optima within 2 %."""
    net, extra = instance(100, CRLB_KINDS)
    sdp, fast = both(net, {**extra, "crlb_interference": True})
    assert sdp.status == fast.status == "local_optimum", (sdp.reason, fast.reason)
    assert all(a.startswith("subspace") for a in fast.attempts)
    assert fast.bound == pytest.approx(sdp.bound, rel=1e-5)
    assert fast.objective == pytest.approx(sdp.objective, rel=2e-2)


@pytest.mark.parametrize("seed", [100, 104])
def test_the_bound_holds_for_any_multipliers(seed):
    """The dual bound with auxiliary blocks (each raised through its own bound row, as BSs' blocks through
    their budgets) never exceeds the optimum, for random multipliers of every row."""
    net, extra = instance(seed, CRLB_KINDS)
    opts = CooperativeISAC(angle_information=True, **extra)
    data, assoc = opts.prepare(net)
    sdp = cooperative_linear_sdp(opts, data, assoc)
    assert sdp.aux_rows
    optimum = solve_subspace(sdp, data, full_dim=100).value
    terms, rng = BlockTerms.group(sdp), np.random.default_rng(seed)
    # the whole-space optimum's multipliers with the angle cones' set to zero and the Fisher cones' raised a
    # little: every tau is then priced upward (Z > 0 on its block), and without its bound row's repair the
    # bound rises above the optimum (1.673 against 1.657 at seed 104, +1 %); also random multipliers
    y_opt = solve_restricted(sdp, terms, [np.eye(b.dim, dtype=complex) for b in sdp.blocks], 1e4).y
    angle = np.array([r.label.startswith("angle:") for r in sdp.rows])
    fisher = np.array([r.label.startswith("crlb:") for r in sdp.rows])
    for trial in range(50):
        if trial % 2:
            y = y_opt * np.where(fisher, rng.uniform(1.0, 1.2), 1.0) * ~angle
        else:
            y = rng.exponential(rng.choice([1e-3, 1.0, 10.0]), len(sdp.rows)) * (rng.random(len(sdp.rows)) < 0.5)
        bound, _, _ = certify(sdp, terms, y)
        assert bound <= optimum * (1 + 1e-9)


@pytest.mark.parametrize("seed", [64, 65])
def test_max_min_rate_under_root_crlb_limits_with_angle_information(seed):
    """Each bisection step with the targets' Fisher levels in the limits and the angle scalars' bound rows
    scaled by alpha as the budgets: the same common rate and bound as the cvxpy steps, the limit binding."""
    net, extra = instance(seed)
    extra = {k: v for k, v in extra.items() if k != "objective"} | {"angle_information": True}
    net = net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])
    free = CooperativeISAC(objective="max_min_rate", **extra).solve(net)
    best = CooperativeISAC(**{**extra, "objective": "min_max_crlb"}).solve(net)
    limit = float(0.5 * (np.sqrt(best.objective) + max(t.root_crlb_m for t in free.targets)))
    opts = {**extra, "objective": "max_min_rate", "root_crlb_m": limit}
    sdp, fast = [CooperativeISAC(relaxation=r, **opts).solve(net) for r in ("sdp", "auto")]
    assert fast.status == sdp.status == "optimal", (fast.reason, sdp.reason)
    assert all(a.startswith("subspace") for a in fast.attempts), fast.attempts
    tol = max(CooperativeISAC().rate_tol, fast.bound - fast.objective, sdp.bound - sdp.objective)
    assert fast.objective == pytest.approx(sdp.objective, abs=tol)
    assert fast.objective < free.objective - CooperativeISAC().rate_tol  # the limit binds
    assert max(t.root_crlb_m for t in fast.targets) <= limit * (1 + 1e-6) and fast.certificate.holds

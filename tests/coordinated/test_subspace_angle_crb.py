"""The angle-CRB objectives on the subspace path: each target's Schur complement is a second-order cone of
rows (its multipliers in the same cone), the sum of CRBs a sum of inverse levels whose dual is
``2 sum_g sqrt(w_g lambda_g)``. Checked against the cvxpy SDP (a second formulation), against the CRB
recomputed from the design by the metric function, and against weak duality with random multipliers."""

import numpy as np
import pytest

from isacopt.channels import derive_channels
from isacopt.coordinated import CoordinatedBeamforming
from isacopt.formulation.angle_crb_data import fisher_levels
from isacopt.formulation.linear import linear_sdp
from isacopt.metrics import angle_crb
from isacopt.objectives.min_angle_crb import MinAngleCrb
from isacopt.solve.restricted import BlockTerms, solve_restricted
from isacopt.solve.subspace import certify, project_multipliers
from tests.helpers import small_multicell


@pytest.mark.parametrize("seed, net_kw, extra", [
    (0, dict(nt=4), dict(crb="sum")),                                       # whole blocks: one solve
    (0, dict(nt=4), dict(crb="max")),
    (1, dict(nt=10), dict(crb="sum")),                                      # the loop grows subspaces
    (1, dict(nt=10), dict(crb="max")),
    (2, dict(nt=12), dict(crb="sum", comm_cluster=2)),                      # nulls toward other cells' users
    (3, dict(nt=6, sinr_db=2.0), dict(crb="sum", sensing_cluster=2)),       # nulls toward radar receivers
    (4, dict(nt=8, users_per_bs=0, targets_per_bs=2), dict(crb="sum")),     # sensing only
    (5, dict(nt=8, sinr_db=4.0), dict(crb="sum", sensing_streams=False)),   # the users' beams sense
    (6, dict(nt=6, sinr_db=4.0), dict(crb="sum", per_antenna_power=True)),
    (7, dict(nt=10, sinr_db=4.0, targets_per_bs=2), dict(crb="max", sensing_sinr_db=-5.0)),
    (8, dict(nt=16, sinr_db=6.0, targets_per_bs=2), dict(crb="sum")),      # 16 antennas, 6 targets
])
def test_angle_crb_on_subspaces_equals_the_sdp(seed, net_kw, extra):
    net = small_multicell(seed, **{"sinr_db": 6.0, **net_kw})
    sdp = CoordinatedBeamforming(objective="min_angle_crb", relaxation="sdp", **extra).solve(net)
    sub = CoordinatedBeamforming(objective="min_angle_crb", **extra).solve(net)  # the default path
    assert sdp.status == "optimal" and sub.status == "optimal", (sdp.reason, sub.reason, sub.attempts)
    assert sub.solver == "subspace" and all(a.startswith("subspace: optimal") for a in sub.attempts), sub.attempts
    assert sub.objective == pytest.approx(sdp.objective, rel=1e-5)
    assert sub.bound == pytest.approx(sdp.bound, rel=1e-5)
    # (a design may use its budgets to Clarabel's feasibility tolerance, ~1e-8, so its CRB can sit that far
    # below the bound)
    assert sub.bound <= sub.objective * (1 + 1e-7) and sub.certificate.holds
    # the objective is the metric function's CRB of the design, not a solver value
    crbs = angle_crb(net, derive_channels(net), sub.design)
    ids = [b.id for b in net.base_stations]
    per_target = [crbs[ids.index(t.sensing_bs[0]), i] for i, t in enumerate(sub.targets)]
    want = sum(per_target) if extra["crb"] == "sum" else max(per_target)
    assert sub.objective == pytest.approx(want, rel=1e-9)


def test_an_infeasible_problem_falls_back_to_the_sdp_report():
    net = small_multicell(3, nt=6, sinr_db=6.0)
    sol = CoordinatedBeamforming(objective="min_angle_crb", sensing_cluster=2).solve(net)
    assert sol.status == "infeasible" and sol.reason
    assert sol.attempts[0].startswith("subspace") and sol.solver == "clarabel"


@pytest.mark.parametrize("crb", ["sum", "max"])
def test_perturbed_multipliers_never_cross_the_optimum(crb):
    """Weak duality: any multipliers (nonnegative, or in the cone for a cone group), repaired, bound the
    relaxation's optimum from below (the least sum of CRBs, or the least largest CRB). The optimal
    multipliers of a whole-space solve, perturbed, come close to it without crossing it."""
    net = small_multicell(1, nt=6, sinr_db=4.0, targets_per_bs=2)
    prob = CoordinatedBeamforming(objective="min_angle_crb", crb=crb, relaxation="sdp")
    data = prob._prepare(net)
    sdp = linear_sdp(data, prob._structure(data), form="angle_crb", sensing_streams=True, per_antenna_power=False,
                     beampattern_floor=None, crb=crb)
    opt_si = prob.solve(net).bound
    assert len(sdp.cones) == net.n_targets and all(len(g) == 4 for g in sdp.cones)
    terms = BlockTerms.group(sdp)
    whole = [np.eye(blk.dim, dtype=complex) for blk in sdp.blocks]
    y_opt = solve_restricted(sdp, terms, whole, penalty=1e4).y
    assert sdp.bound_si(certify(sdp, terms, y_opt)[0], data.p_ref) == pytest.approx(opt_si, rel=1e-6)
    rng = np.random.default_rng(0)
    ratios = []
    for i in range(80):
        noise = rng.choice([1e-4, 1e-3, 1e-2, 0.1, 1.0])
        y = y_opt * np.exp(noise * rng.standard_normal(len(y_opt)))
        y = project_multipliers(sdp, y)
        for g in sdp.cones:
            assert y[g[0]] >= np.linalg.norm(y[g[1:]]) - 1e-12
        ratios.append(sdp.bound_si(certify(sdp, terms, y)[0], data.p_ref) / opt_si)
    assert max(ratios) <= 1 + 1e-7
    assert sum(r > 0.99 for r in ratios) >= 15  # close calls: the check has teeth


def test_fisher_level_is_the_schur_complement():
    """The level read off a cone group's values is T_dd - |T_da|^2 / T_aa (the 2 x 2 LMI's largest tau)."""
    rng = np.random.default_rng(2)
    for _ in range(20):
        t_dd, t_aa = rng.uniform(0.1, 3.0, 2)
        t_da = complex(*rng.standard_normal(2)) * np.sqrt(t_dd * t_aa) / 2
        values = np.array([t_dd + t_aa, 2 * t_da.real, 2 * t_da.imag, t_dd - t_aa])
        level = fisher_levels(values)[0]
        assert level == pytest.approx(t_dd - abs(t_da) ** 2 / t_aa)
        lmi = np.array([[t_dd - level, t_da], [np.conj(t_da), t_aa]])
        assert np.linalg.eigvalsh(lmi)[0] == pytest.approx(0.0, abs=1e-12)


def test_an_objective_without_a_linear_form_is_refused_with_the_field(monkeypatch):
    from isacopt.errors import ValidationError

    monkeypatch.setattr(MinAngleCrb, "linear_form", None)
    with pytest.raises(ValidationError, match="relaxation"):
        CoordinatedBeamforming(objective="min_angle_crb", relaxation="subspace").solve(small_multicell(0))
    assert CoordinatedBeamforming(objective="min_angle_crb").method == "sdp"  # auto falls back to the SDP


def test_a_tiny_largest_crb_level_is_certified_relative_to_itself():
    """The largest-CRB level u is no power: where it is tiny (a near-blind target, whose CRB is 1e6 times the
    median's, as on a 19-cell snapshot), its gap must be relative to u itself, and the level is rescaled to O(1)
    (solve.subspace_tail) so that Clarabel's absolute tolerances do not hold the gap open. The same problem with
    every level coefficient scaled by K has the optimum u / K: certified to the loop's own tolerance (a gap
    measured against 1e-3 of the budgets claimed an optimum 1e-3 short of it; without the rescaling the loop
    stalled and fell back to the SDP)."""
    from dataclasses import replace

    from isacopt.solve.subspace import solve_subspace

    net = small_multicell(1, nt=10, sinr_db=6.0)
    prob = CoordinatedBeamforming(objective="min_angle_crb", crb="max")
    data = prob._prepare(net)
    sdp = linear_sdp(data, prob._structure(data), form="angle_crb", sensing_streams=True, per_antenna_power=False,
                     beampattern_floor=None, crb="max")
    ref = solve_subspace(sdp, data)
    assert ref.status == "optimal" and ref.gap <= 1e-6
    for k in (5e5, 1e7):  # u / K ~ 2e-7 and 1e-8: below 1e-3 of the budgets, where the old gap was measured
        tiny = replace(sdp, rows=[replace(r, tau=r.tau * k) for r in sdp.rows])
        res = solve_subspace(tiny, data)
        assert res.status == "optimal" and res.gap <= 1e-6, (k, res.status, res.message)
        assert res.value * k == pytest.approx(ref.value, rel=1e-5)
        assert res.bound * k == pytest.approx(ref.bound, rel=1e-5)
        assert res.value <= res.bound * (1 + 1e-6)

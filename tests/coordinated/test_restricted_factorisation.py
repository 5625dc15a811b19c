"""The restricted problem's KKT factorisation (faer above ``FAER_MIN_NNZ`` coefficients, QDLDL below) is a
matter of speed only: on a paper-size whole-space problem, which crosses the threshold, both give the same
duals, matrices and bound."""

import sys
from pathlib import Path

import numpy as np
import pytest

import isacopt.solve.restricted as restricted
import isacopt.solve.subspace as subspace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.cases import SIZES, network  # noqa: E402


def test_faer_and_qdldl_give_the_same_restricted_solution(monkeypatch):
    import isacopt as iso

    captured = []
    real = subspace.solve_restricted

    def keep(sdp, terms, bases, penalty, settings=None):
        captured.append((sdp, terms, bases, penalty, dict(settings or {})))
        return real(sdp, terms, bases, penalty, settings)

    monkeypatch.setattr(subspace, "solve_restricted", keep)
    iso.CoordinatedBeamforming(objective="max_min_beampattern", relaxation="subspace").solve(
        network(**SIZES["paper"], seed=3))
    sdp, terms, bases, penalty, settings = captured[-1]
    used = []
    real_solver = restricted.clarabel.DefaultSolver

    def spy(p, q, a, b, cones, opts):
        used.append((a.nnz, opts.direct_solve_method))
        return real_solver(p, q, a, b, cones, opts)

    monkeypatch.setattr(restricted.clarabel, "DefaultSolver", spy)
    default = restricted.solve_restricted_once(sdp, terms, bases, penalty, settings)
    qdldl = restricted.solve_restricted_once(sdp, terms, bases, penalty, {**settings, "direct_solve_method": "qdldl"})
    assert settings == subspace.UNREFINED  # the default path's restricted solves skip iterative refinement
    assert used[0][0] >= restricted.FAER_MIN_NNZ and used[0][1] == "faer"  # the default took faer here
    assert used[1][1] == "qdldl"
    assert default.status in restricted.SOLVED and qdldl.status in restricted.SOLVED
    bound_f = subspace.certify(sdp, terms, default.y)[0]
    bound_q = subspace.certify(sdp, terms, qdldl.y)[0]
    assert abs(bound_f - bound_q) <= 1e-6 * abs(bound_q)
    # the matrices: the optimal sensing covariances need not be unique (they differ by 1e-5 to 1e-4 between
    # the factorisations, refined or not, and by CPU), the level they reach is: the same to 1e-6
    f = restricted.solve_restricted_once(sdp, terms, bases, penalty)
    q = restricted.solve_restricted_once(sdp, terms, bases, penalty, {"direct_solve_method": "qdldl"})
    rhs, taus = np.array([r.rhs for r in sdp.rows]), np.array([r.tau for r in sdp.rows])
    groups = np.array([r.group for r in sdp.rows], dtype=int)
    levels = [subspace.achieved_levels(sdp, subspace.row_values(sdp, terms, [u @ y @ u.conj().T for u, y in
                                                                             zip(bases, sol.blocks)]),
                                       rhs, taus, groups)[0] for sol in (f, q)]
    assert levels[0] == pytest.approx(levels[1], rel=1e-6)

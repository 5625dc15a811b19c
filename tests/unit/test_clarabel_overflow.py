"""A nearly infeasible SDP on which Clarabel's regularised attempt used to panic ("Eigval error" in the PSD
cone's eigendecomposition, psdtrianglecone.rs): a max-min-SINR bisection step of the Fig. 3 quick sweep
(Poisson network, Nt = 4, L = 1, Q = 2, one user per BS, snapshot 0). Its iterates follow the
homogeneous embedding's infeasibility ray, growing ~100x per iteration, and overflow to NaN near
iteration 180; the chain's regularised attempt is capped at 100 iterations to stop before that."""

from pathlib import Path

import clarabel
import numpy as np
import scipy.sparse as sp

from isacopt.solve.runner import DEFAULT_CHAIN

DATA = Path(__file__).resolve().parents[1] / "data" / "clarabel_eigval_panic.npz"


def _solve(options: dict):
    d = np.load(DATA)
    a = sp.csc_matrix((d["A_data"], d["A_indices"], d["A_indptr"]), shape=tuple(d["A_shape"]))
    cones = [clarabel.ZeroConeT(int(d["zero"]))] if int(d["zero"]) else []
    cones += [clarabel.NonnegativeConeT(int(d["nonneg"]))] + [clarabel.PSDTriangleConeT(int(n)) for n in d["psd"]]
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    for key, value in options.items():
        setattr(settings, key, value)
    n = a.shape[1]
    return clarabel.DefaultSolver(sp.csc_matrix((n, n)), d["c"], a, d["b"], cones, settings).solve()


def test_every_clarabel_attempt_of_the_chain_ends_without_a_panic():
    for attempt in DEFAULT_CHAIN:
        if attempt.solver == "CLARABEL":
            sol = _solve(attempt.options)  # a panic would raise pyo3's PanicException here
            assert str(sol.status) in {"InsufficientProgress", "AlmostPrimalInfeasible", "PrimalInfeasible",
                                       "MaxIterations", "Solved", "AlmostSolved", "NumericalError"}, attempt


def test_the_regularised_attempt_reports_near_infeasibility_where_it_used_to_overflow():
    regularised = next(a for a in DEFAULT_CHAIN if a.name == "clarabel-regularised")
    sol = _solve(regularised.options)
    assert str(sol.status) in ("AlmostPrimalInfeasible", "PrimalInfeasible")

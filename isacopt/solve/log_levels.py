"""The concave levels of a ``LinearSDP`` (``log_weights``, ``log_scales``): ``sum_j w_j log(1 + c_j s_j)`` in the
objective of a 'max_t' problem, a sum-rate surrogate's received powers (cooperative.rate_form) in units of c_j.

A log level's rows ``sum tr(M X) - s_j >= rhs`` (tau = -1) bound s_j by a received power. In the Lagrangian
the level meets its rows' multipliers through lambda_j = sum_{i in j} (-tau_i) y_i, and

    sup_{s > -1/c}  w log(1 + c s) - lambda s  =  w log(w c / lambda) - w + lambda / c   (at 1 + c s = w c / lambda),

(the scale keeps lambda near w where c is near the received power: with c = 1 and received powers of 1e4 noise
units, lambda ~ 1e-4 and Clarabel stalled short of its tolerances with the matrices' tails at 1e-6)

so any nonnegative row multipliers with every lambda_j > 0 still give a valid bound (solve.subspace.certify),
and the restricted problem's dual gets one exponential cone per level (solve.restricted)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..formulation.linear import LinearSDP


def log_conjugates(sdp: LinearSDP, taus: NDArray[np.float64], groups: NDArray[np.int64],
                   y: NDArray[np.float64]) -> float:
    """sum_j sup_s [w_j log(1 + c_j s) - lambda_j s] over the log levels, lambda_j = sum_{i in j} (-tau_i) y_i
    (``taus`` already negated); inf when a lambda_j is not positive (the level is then unbounded in the
    Lagrangian)."""
    total = 0.0
    for g, w, c in sdp.log_groups():
        lam = float(taus[groups == g] @ y[groups == g])
        if lam <= 0:
            return np.inf
        total += w * np.log(w * c / lam) - w + lam / c
    return total


def log_value(sdp: LinearSDP, levels: NDArray[np.float64]) -> float:
    """``sum_j w_j log(1 + c_j s_j)`` at the levels (-inf where one is at most -1 / c_j)."""
    value = 0.0
    for g, w, c in sdp.log_groups():
        value += w * float(np.log1p(c * levels[g])) if c * levels[g] > -1 else -np.inf
    return value

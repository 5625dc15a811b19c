"""The concave levels of a ``LinearSDP`` (``log_weights``, ``log_scales``): ``sum_j w_j log(1 + c_j s_j)`` in the
objective of a 'max_t' problem, a sum-rate surrogate's received powers (cooperative.rate_form) in units of c_j.

A log level's rows ``sum tr(M X) - s_j >= rhs`` (tau = -1) bound s_j by a received power. In the Lagrangian
the level meets its rows' multipliers through lambda_j = sum_{i in j} (-tau_i) y_i, and

    sup_{s > -1/c}  w log(1 + c s) - lambda s  =  w log(w c / lambda) - w + lambda / c   (at 1 + c s = w c / lambda),

(the scale keeps lambda near w where c is near the received power: with c = 1 and received powers of 1e4 noise
units, lambda ~ 1e-4 and Clarabel stalled short of its tolerances with the matrices' tails at 1e-6)

so any nonnegative row multipliers with every lambda_j > 0 still give a valid bound (solve.subspace.certify),
and the restricted problem's dual gets one exponential cone per level (solve.restricted). A level whose value
also stands in rows (``log_rows``: a backhaul cap's ``-log(1 + I_k)``) has the weight w_j plus those rows'
multipliers, W_j, in place of w_j: the supremum is the same expression in (W_j, lambda_j), jointly convex,
``W log(W / lambda)`` an exponential cone ``(-v, W, lambda)`` (0 at W = 0, where only lambda / c is left)."""

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
    weights = log_level_weights(sdp, y)
    for (g, _, c), w in zip(sdp.log_groups(), weights):
        lam = float(taus[groups == g] @ y[groups == g])
        if w <= 0:  # a level without weight (a cap's that does not bind): sup_s -lambda s = lambda / c
            total += max(lam, 0.0) / c if lam >= 0 else np.inf
            continue
        if lam <= 0:
            return np.inf
        total += w * np.log(w * c / lam) - w + lam / c
    return total


def without_unpriced_holders(sdp: LinearSDP, taus: NDArray[np.float64], groups: NDArray[np.int64],
                             y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``y`` with the multipliers of a level's holding rows set to 0 where the level has weight only through
    them and no lambda to price it (a cap that does not bind, its multiplier at solver noise): the bound
    would be infinite; any multipliers stay valid (the repair follows), and these make it finite."""
    for j, (g, _, _) in enumerate(sdp.log_groups()):
        if sdp.log_weights[j] <= 0 and float(taus[groups == g] @ y[groups == g]) <= 0:
            for i, js in sdp.log_rows.items():
                if j in js:
                    y[i] = 0.0
    return y


def log_level_weights(sdp: LinearSDP, y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each log level's weight in the Lagrangian: its objective weight plus the multipliers of the rows that
    hold its value (``log_rows``)."""
    weights = np.array(sdp.log_weights, float)
    for i, levels in sdp.log_rows.items():
        weights[list(levels)] += max(float(y[i]), 0.0)
    return weights


def log_row_values(sdp: LinearSDP, levels: NDArray[np.float64]) -> NDArray[np.float64]:
    """What the log levels add to each row's left side (``log_rows``): sum_j log(1 + c_j s_j)."""
    out = np.zeros(len(sdp.rows))
    groups = sdp.log_groups()
    for i, js in sdp.log_rows.items():
        for j in js:
            g, _, c = groups[j]
            out[i] += float(np.log1p(c * levels[g])) if c * levels[g] > -1 else -np.inf
    return out


def log_value(sdp: LinearSDP, levels: NDArray[np.float64]) -> float:
    """``sum_j w_j log(1 + c_j s_j)`` at the levels (-inf where one is at most -1 / c_j)."""
    value = 0.0
    for g, w, c in sdp.log_groups():
        value += w * float(np.log1p(c * levels[g])) if c * levels[g] > -1 else -np.inf
    return value

"""Limits on sums of inverse levels, ``sum_{g in L} w_Lg / t_g <= cap_L`` (``LinearSDP.limits``: a position
CRLB's two Schur-complement levels, bounded by a root-CRLB limit or by the objective's own level u)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..formulation.linear import LinearSDP


def limit_sums(sdp: LinearSDP, levels: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each limit's ``sum_{g in L} w_Lg / t_g`` at the levels (inf where a level is not positive)."""
    out = np.zeros(len(sdp.limits))
    for m, (groups, weights, _) in enumerate(sdp.limits):
        t = levels[list(groups)]
        out[m] = float(np.sum(np.asarray(weights) / t)) if np.all(t > 0) else np.inf
    return out


def limit_violation(sdp: LinearSDP, levels: NDArray[np.float64]) -> float:
    """The worst capped limit's excess over its cap, relative to the cap."""
    sums = limit_sums(sdp, levels)
    return max((max(0.0, (sums[m] - cap) / cap) for m, (_, _, cap) in enumerate(sdp.limits) if cap is not None),
               default=0.0)


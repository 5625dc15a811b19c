"""Two ways the subspace loop (solve.subspace) leaves its tail sooner; only the speed depends on them, never the
answer (the bound is always the repaired duals' of some multipliers, the design always checked row by row).

- **Extrapolated duals.** Near the optimum the restricted duals y_k converge linearly (on the large benchmark,
  19 BSs at Nt 16, the gap shrank about 3.5x per restricted solve over ~12 of them): the pricing, a function of
  y_k, chases the optimal multipliers one fixed-point step at a time. The Aitken-type estimate
  ``y_k + rho / (1 - rho) (y_k - y_{k-1})``, with rho the ratio of the last two steps, is nearer to where they
  go; its dual beams join the bases as well, and its bound counts where it is better (any multipliers,
  repaired, give a valid bound). Only while the gap keeps halving: on a loop that stalls (a sum of angle
  CRBs with a near-blind target) the estimate only grew the bases, 92 s against 68 s; with the condition 48 s.
- **A level in its own units.** A level that is not a power (the largest angle CRB's u) has its gap measured
  relative to itself; where u is tiny (1e-4..1e-6 for a target with little power left for it) Clarabel's
  absolute tolerances (1e-8) were all the accuracy there was and the loop stalled. The level is rescaled once
  so that it is O(1).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from ..formulation.linear import LinearSDP

# rho at most this: an extrapolation by at most 9 times the last step
MAX_RATIO = 0.9
# a level below this (solver units) is rescaled to 1
SMALL_LEVEL = 0.1


def extrapolated(history: list[NDArray[np.float64]]) -> NDArray[np.float64] | None:
    """Aitken-type estimate of where the multipliers ``history`` (repaired, each normalised the same way)
    converge, from the last three; None with fewer."""
    if len(history) < 3:
        return None
    step, before = history[-1] - history[-2], history[-2] - history[-3]
    rho = min(float(np.linalg.norm(step) / max(float(np.linalg.norm(before)), 1e-300)), MAX_RATIO)
    return history[-1] + rho / (1 - rho) * step


def rescalable(sdp: LinearSDP, value: float) -> bool:
    """A single level that is no power (its gap is relative to itself), tiny and positive."""
    return (sdp.objective == "max_t" and len(sdp.weights) == 1 and not sdp.limits and not sdp.limited_levels
            and not sdp.log_weights and not sdp.power_price and sdp.gap_floor is not None and sdp.gap_floor < 1e-6
            and np.isfinite(value) and 0 < value < SMALL_LEVEL)


def level_rescaled(sdp: LinearSDP, scale: float) -> LinearSDP:
    """The same problem with the level t' = t / scale (every tau times scale)."""
    floor = None if sdp.level_floor is None else sdp.level_floor / scale
    return replace(sdp, rows=[replace(r, tau=r.tau * scale) for r in sdp.rows], level_floor=floor)

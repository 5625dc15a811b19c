"""Paired intervals for the difference of two ratio metrics measured on the same snapshots.

Every design and grid point of a sweep sees the same networks (snapshot i has one seed), so two points'
estimates are correlated: their difference is known much better than the two marginal intervals suggest
(common random numbers). For ratio metrics r = sum(y) / sum(x) (mean rate per served user, mean root CRLB
per probed target) the delta method linearises each estimate around its value, e_i = (y_i - r x_i) / mean(x),
and the difference's standard error comes from the per-snapshot differences of those residuals.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def paired_ratio_difference(num_a, den_a, num_b, den_b) -> tuple[float, float, float]:
    """(r_a / r_b - 1, its 95 % half-width, r_b) for ratios over the same snapshots (arrays aligned by
    snapshot). The relative difference is linearised as (e_a - (r_a / r_b) e_b) / r_b."""
    ya, xa, yb, xb = (np.asarray(v, dtype=float) for v in (num_a, den_a, num_b, den_b))
    if not (ya.shape == xa.shape == yb.shape == xb.shape) or ya.ndim != 1:
        raise ValueError("paired arrays must be one-dimensional and aligned by snapshot")
    n = ya.size
    if n < 2 or xa.sum() <= 0 or xb.sum() <= 0:
        return math.nan, math.nan, math.nan
    ra, rb = ya.sum() / xa.sum(), yb.sum() / xb.sum()
    ea = (ya - ra * xa) / xa.mean()
    eb = (yb - rb * xb) / xb.mean()
    d = (ea - (ra / rb) * eb) / rb
    se = float(np.std(d, ddof=1) / math.sqrt(n))
    return float(ra / rb - 1), float(stats.t.ppf(0.975, n - 1) * se), float(rb)


__all__ = ["paired_ratio_difference"]

"""Control-variate estimates of a design's means, with a cheap design on the same networks as control.

Every design of a sweep sees the same networks (snapshot i has one seed), so an expensive design's
per-snapshot metric X is correlated with a cheap design's Z (closed-form ZF: most of the spread of
either is the geometry of the snapshot). The cheap design runs for many more snapshots, which pins
its mean mu_Z; the expensive design's mean is then corrected by how far its own snapshots' Z fell
from that mean:  est = r - beta (mean_U(Z) - mu_Z),  beta = cov(phi, Z) / var(Z).

The estimand is exactly the plain estimator's (the design's mean over the snapshots where it is
certified): over the universe U of snapshots where the control is ok, with I the design's ok flag,
a per-snapshot mean is E[X I] / E[I] and a pooled ratio sum(y) / sum(x) is E[y I] / E[x I]. Both are
a ratio r = mean(a) / mean(b) whose delta-method influence values phi_i = (a_i - r b_i) / mean(b)
are what the control corrects. This needs the design's ok snapshots inside U (a control that fails
where the design succeeds would change the population); otherwise the plain estimate stands.

With n snapshots in U and m more control-only snapshots (T), mean_U(Z) - mu_Z = m / (n + m)
(mean_U(Z) - mean_T(Z)) and the variance is var(phi - beta' Z) / n + beta'^2 var(Z_T) / m, with
beta' = beta m / (n + m). The variance shrinks by about 1 - rho^2 as m grows (rho: the correlation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_PAIRED = 10  # fewer paired snapshots than this: beta is too noisy to trust


@dataclass(frozen=True)
class ControlledMean:
    value: float
    half_width: float   # 95 %
    rho: float          # correlation of the influence values with the control
    paired: int         # n: snapshots in U
    control_only: int   # m: the control's further snapshots


def controlled_ratio(a: np.ndarray, b: np.ndarray, z: np.ndarray, z_more: np.ndarray) -> ControlledMean | None:
    """mean(a) / mean(b) over the paired snapshots, corrected with control z (aligned with a and b) and
    its further snapshots ``z_more``; None when there are too few snapshots or nothing to correct with."""
    a, b, z, z_more = (np.asarray(v, dtype=float) for v in (a, b, z, z_more))
    n, m = z.size, z_more.size
    if n < MIN_PAIRED or m < 2 or b.sum() <= 0 or not (a.shape == b.shape == z.shape):
        return None
    r = a.sum() / b.sum()
    phi = (a - r * b) / b.mean()
    var_z = np.var(z, ddof=1)
    if var_z <= 0:
        return None
    cov = np.cov(phi, z, ddof=1)[0, 1]
    beta = cov / var_z
    shrink = m / (n + m)
    value = r - beta * shrink * (z.mean() - z_more.mean())
    beta_s = beta * shrink
    var = np.var(phi - beta_s * z, ddof=1) / n + beta_s**2 * np.var(z_more, ddof=1) / m
    var_phi = np.var(phi, ddof=1)
    rho = cov / math.sqrt(var_phi * var_z) if var_phi > 0 else 0.0
    half = float(stats.t.ppf(0.975, n - 2) * math.sqrt(var))
    return ControlledMean(float(value), half, float(rho), n, m)


def control_columns(name: str, ratios: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(numerator, denominator) of metric ``name``: a pooled ratio's columns, or the metric over a count of
    one ("" for the denominator). The control is the same metric of the control design, per snapshot."""
    return ratios[name] if name in ratios else (name, "")


def controlled_metric(name: str, ratios, members: list[dict], ok: set[int], control: dict[int, dict],
                      n_design: int) -> ControlledMean | None:
    """Metric ``name`` of one design and point with its control: ``members`` the design's rows (snapshots below
    ``n_design``), ``ok`` the snapshots entering its plain average, ``control`` the control's ok rows by
    snapshot. None (the plain estimate stands) when the control is not ok wherever the design is.

    A pooled ratio's control is the control's own influence value around its pooled ratio over all its
    snapshots, (y_i - r_c x_i) / mean(x): first-order exact for the ratio (its numerator alone is not)."""
    num, den = control_columns(name, ratios)
    if not ok <= control.keys():
        return None
    stored = {r["snapshot"]: r for r in members if r["snapshot"] < n_design}
    paired = sorted(s for s in stored if s in control)
    more = [s for s in control if s not in stored]

    def value(row: dict, col: str) -> float:
        if not col:
            return 1.0
        v = row.get(col)
        return float(v) if v is not None else math.nan

    zy = {s: value(row, num) for s, row in control.items()}
    zx = {s: value(row, den) for s, row in control.items()}
    if not all(math.isfinite(v) for v in (*zy.values(), *zx.values())) or sum(zx.values()) <= 0:
        return None
    r_c, mean_x = sum(zy.values()) / sum(zx.values()), sum(zx.values()) / len(zx)
    z_of = {s: (zy[s] - r_c * zx[s]) / mean_x for s in control}
    z = np.array([z_of[s] for s in paired])
    z_more = np.array([z_of[s] for s in more])
    a = np.array([value(stored[s], num) if s in ok else 0.0 for s in paired])
    b = np.array([value(stored[s], den) if s in ok else 0.0 for s in paired])
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None
    return controlled_ratio(a, b, z, z_more)


__all__ = ["ControlledMean", "MIN_PAIRED", "control_columns", "controlled_metric", "controlled_ratio"]

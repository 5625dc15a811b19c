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
(mean_U(Z) - mean_T(Z)) and the variance is var(phi - beta' Z) / n + beta'^2 var(Z_T) / m (the first with
n - 2 degrees of freedom), with beta' = beta m / (n + m). The variance shrinks by about 1 - rho^2 as m grows (rho: the correlation).
Several controls at once (Z of n x p: the metric plus the control's node counts, worst rates and
lone-target rate, NODE_CONTROLS, LATER_CONTROLS) are the same with beta the least-squares coefficients
of phi on Z, the variance var(phi - Z beta') / n (n - 1 - p degrees of freedom) + beta'^T cov(Z_T) beta' / m,
and 1 - R^2 for 1 - rho^2.
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
    controls: int = 1   # how many controls entered the regression (after dropping those that do not vary)


def controlled_ratio(a: np.ndarray, b: np.ndarray, z: np.ndarray, z_more: np.ndarray) -> ControlledMean | None:
    """mean(a) / mean(b) over the paired snapshots, corrected with control z (aligned with a and b) and
    its further snapshots ``z_more``; None when there are too few snapshots or nothing to correct with.
    ``z`` of shape (n, p) and ``z_more`` (m, p) are p controls at once (multiple regression: beta solves the
    least squares of the influence values on them; ``rho`` is then the multiple correlation, >= 0), with
    columns that do not vary dropped."""
    a, b, z, z_more = (np.asarray(v, dtype=float) for v in (a, b, z, z_more))
    single = z.ndim == 1
    z, z_more = (v[:, None] if v.ndim == 1 else v for v in (z, z_more))
    n, m = z.shape[0], z_more.shape[0]
    if n < MIN_PAIRED or m < 2 or b.sum() <= 0 or not (a.shape == b.shape == (n,)) or z.shape[1] != z_more.shape[1]:
        return None
    varies = (np.var(z, axis=0, ddof=1) > 0) & (np.var(z_more, axis=0, ddof=1) > 0)
    if not varies.any():
        return None
    z, z_more = z[:, varies], z_more[:, varies]
    p = z.shape[1]
    if n - 1 - p < 1:
        return None
    r = a.sum() / b.sum()
    phi = (a - r * b) / b.mean()
    zc, dphi = z - z.mean(axis=0), phi - phi.mean()
    beta = np.linalg.lstsq(zc, dphi, rcond=None)[0]
    explained = float(dphi @ zc @ beta) / (n - 1)  # cov(phi, Z) beta: the variance the controls account for
    var_phi = np.var(phi, ddof=1)
    if single and p == 1:  # the signed correlation of one control
        rho = float(np.cov(phi, z[:, 0], ddof=1)[0, 1] / math.sqrt(var_phi * np.var(z[:, 0], ddof=1))) \
            if var_phi > 0 else 0.0
    else:
        rho = math.sqrt(min(max(explained / var_phi, 0.0), 1.0)) if var_phi > 0 else 0.0
    shrink = m / (n + m)
    beta_s = beta * shrink
    value = r - float(beta_s @ (z.mean(axis=0) - z_more.mean(axis=0)))
    spread = np.atleast_2d(np.cov(z_more, rowvar=False, ddof=1))
    # var(phi - Z beta') splits in-sample into the least-squares residual's variance and (1 - shrink)^2 that
    # of Z beta (the residual is orthogonal to Z); the residual's with the p fitted coefficients' degrees of
    # freedom taken off (ddof 1 alone narrows the interval by sqrt((n - 1 - p) / (n - 1)): a fifth at n = 15
    # with the node controls)
    fitted = zc @ beta
    residual = float(np.sum((dphi - fitted) ** 2)) / (n - 1 - p) + (1 - shrink) ** 2 * np.var(fitted, ddof=1)
    var = residual / n + float(beta_s @ spread @ beta_s) / m
    half = float(stats.t.ppf(0.975, n - 1 - p) * math.sqrt(var))
    return ControlledMean(float(value), half, rho, n, m, p)


def control_columns(name: str, ratios: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(numerator, denominator) of metric ``name``: a pooled ratio's columns, or the metric over a count of
    one ("" for the denominator). The control is the same metric of the control design, per snapshot."""
    return ratios[name] if name in ratios else (name, "")


# further controls from the control design's row (products of its columns), what a max-min design's ASE
# follows: how many users and targets are served and probed in the window, and that count times the worst
# node's rate anywhere (a max-min design puts every node near its worst one). Rows stored before these
# columns existed have none, and the metric alone is the control.
NODE_CONTROLS = (("n_served",), ("n_probed",), ("n_served", "worst_rate"), ("n_probed", "worst_radar_rate"))
# joining them where every control row has the column (stores written since it exists): the probed count
# times the rate the weakest probed target would get alone (the single-target bound that caps a max-min
# sensing level; on the Fig. 3 study's networks the sensing design's R^2 goes from 0.57 to 0.81-0.89 at Nt 8-16)
LATER_CONTROLS = (("n_probed", "alone_radar_rate"),)


def node_controls(control_rows) -> tuple[tuple[str, ...], ...]:
    """The column products that join the control's metric as regressors: :data:`NODE_CONTROLS` where every
    control row has their columns (none otherwise: rows stored before them), then each of the
    :data:`LATER_CONTROLS` whose columns every control row has."""
    rows = list(control_rows)
    if not all(all(c in row for cols in NODE_CONTROLS for c in cols) for row in rows):
        return ()
    return NODE_CONTROLS + tuple(cols for cols in LATER_CONTROLS if all(c in row for c in cols for row in rows))


def controlled_metric(name: str, ratios, members: list[dict], ok: set[int], control: dict[int, dict],
                      n_design: int, nodes: bool = False) -> ControlledMean | None:
    """Metric ``name`` of one design and point with its control: ``members`` the design's rows (snapshots below
    ``n_design``), ``ok`` the snapshots entering its plain average, ``control`` the control's ok rows by
    snapshot. None (the plain estimate stands) when the control is not ok wherever the design is.

    A pooled ratio's control is the control's own influence value around its pooled ratio over all its
    snapshots, (y_i - r_c x_i) / mean(x): first-order exact for the ratio (its numerator alone is not).
    ``nodes``: the :data:`NODE_CONTROLS` join it where every control row has their columns, and then the
    :data:`LATER_CONTROLS` whose columns every control row has."""
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
    z_of = {s: [(zy[s] - r_c * zx[s]) / mean_x] for s in control}
    if nodes:
        usable = node_controls(control.values())
        for s, row in control.items():
            z_of[s] += [math.prod(float(row[c]) for c in cols) for cols in usable]
    width = len(next(iter(z_of.values()))) if z_of else 1
    z, z_more = (np.array([z_of[s] for s in snaps], dtype=float).reshape(len(snaps), width) for snaps in (paired, more))
    if not (np.isfinite(z).all() and np.isfinite(z_more).all()):
        return None
    a = np.array([value(stored[s], num) if s in ok else 0.0 for s in paired])
    b = np.array([value(stored[s], den) if s in ok else 0.0 for s in paired])
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return None
    return controlled_ratio(a, b, z[:, 0] if z.shape[1] == 1 else z, z_more[:, 0] if z.shape[1] == 1 else z_more)


__all__ = ["ControlledMean", "LATER_CONTROLS", "MIN_PAIRED", "NODE_CONTROLS", "control_columns", "controlled_metric",
           "controlled_ratio"]

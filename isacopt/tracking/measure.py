"""The network's own measurements of a node: what the frame's design affords, drawn at that accuracy.

Each cooperating BS contributes the range sums of the pairs it receives and (with angle information)
its azimuth, :func:`isacopt.metrics.position_crlb.position_measurements`; their Fisher information sets
the noise variance (times ``scale^2``), so the filter fuses measurements whose summed information at the
true position is exactly the position FIM behind the CRLB the design is credited with.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from numpy.typing import NDArray

from ..metrics.position_crlb import Measurement


def predicted(bs_xy: NDArray[np.float64], m: Measurement, x: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
    """(h(x), dh/dx) of measurement ``m`` at state ``x = (px, py, vx, vy)``."""
    grad = np.zeros(4)
    if m.kind == "range_sum":
        value = 0.0
        for b in (m.tx, m.rx):
            d = x[:2] - bs_xy[b]
            r = float(np.hypot(*d))
            value += r
            grad[:2] += d / r
        return value, grad
    d = x[:2] - bs_xy[m.rx]
    r2 = float(d @ d)
    grad[:2] = np.array([-d[1], d[0]]) / r2
    return float(np.arctan2(d[1], d[0])), grad


def stack(bs_xy: NDArray[np.float64], items: Sequence[Measurement], x: NDArray[np.float64]):
    """(h, H, angular) of a frame's measurements at ``x``: predictions (m,), Jacobian (m, 4), azimuth mask."""
    rows = [predicted(bs_xy, m, x) for m in items]
    h = np.array([r[0] for r in rows])
    jac = np.array([r[1] for r in rows]).reshape(len(items), 4)
    return h, jac, np.array([m.kind == "azimuth" for m in items], dtype=bool)


def usable(items: Sequence[Measurement], floor: float = 1e-12) -> list[Measurement]:
    """The measurements with information (a BS that sent nothing toward the node measures nothing)."""
    return [m for m in items if np.isfinite(m.information) and m.information > floor]


def draw(bs_xy: NDArray[np.float64], items: Sequence[Measurement], truth: NDArray[np.float64], scale: float,
         rng: np.random.Generator) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(z, variance): the measurements of the true state with Gaussian noise at their information."""
    h, _, _ = stack(bs_xy, items, truth)
    variance = scale**2 / np.array([m.information for m in items])
    return h + np.sqrt(variance) * rng.standard_normal(len(items)), variance

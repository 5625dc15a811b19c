"""An extended Kalman filter per node, on the constant-velocity model (Bar-Shalom et al. 2001, ch. 5, 10).

Measurements are scalar functions of the position (a bistatic range sum, an azimuth): the filter
linearises each at the predicted position and updates with all of a frame's measurements at once,
in Joseph form (stays symmetric positive definite whatever the gain). Azimuth residuals are wrapped to
(-pi, pi].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .motion import noise_gain, transition


@dataclass(frozen=True)
class Track:
    """A node's estimate: state ``x = (px, py, vx, vy)`` and its covariance ``P`` (4x4)."""

    x: NDArray[np.float64]
    P: NDArray[np.float64]

    @property
    def position(self) -> NDArray[np.float64]:
        return self.x[:2]

    @property
    def position_cov(self) -> NDArray[np.float64]:
        return self.P[:2, :2]


def cv_model(dt: float, accel_std: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(F, Q) of the filter's constant-velocity model with white acceleration ``accel_std`` [m/s^2]."""
    g = noise_gain(dt)
    return transition(dt), accel_std**2 * g @ g.T


def predict(track: Track, f: NDArray[np.float64], q: NDArray[np.float64]) -> Track:
    """The prior of the next frame."""
    return Track(f @ track.x, f @ track.P @ f.T + q)


def update(track: Track, z: NDArray[np.float64], h: NDArray[np.float64], jac: NDArray[np.float64],
           variance: NDArray[np.float64], angular: NDArray[np.bool_] | None = None) -> Track:
    """EKF update with measurements ``z`` (m,), their predictions ``h`` (m,) at ``track``, Jacobians ``jac``
    (m, 4) and noise variances (m,); ``angular`` marks the azimuths (residual wrapped)."""
    if len(z) == 0:
        return track
    resid = np.asarray(z, float) - np.asarray(h, float)
    if angular is not None:
        resid = np.where(angular, np.angle(np.exp(1j * resid)), resid)
    r = np.diag(variance)
    s = jac @ track.P @ jac.T + r
    k = np.linalg.solve(s, jac @ track.P).T  # P H^T S^-1 (S and P symmetric)
    i_kh = np.eye(4) - k @ jac
    p = i_kh @ track.P @ i_kh.T + k @ r @ k.T
    return Track(track.x + k @ resid, 0.5 * (p + p.T))


def nees(truth: NDArray[np.float64], track: Track, position_only: bool = False) -> float:
    """Normalised estimation error squared ``e^T P^-1 e`` (chi-square with 4, or 2, degrees of freedom
    when the filter is consistent)."""
    n = 2 if position_only else 4
    e = np.asarray(truth, float)[:n] - track.x[:n]
    return float(e @ np.linalg.solve(track.P[:n, :n], e))

"""How nodes move: constant velocity or a coordinated turn, with random acceleration (seeded).

A node's state is ``x = (px, py, vx, vy)`` [m, m/s]. Both models are linear for a known turn rate
``omega``; the random part is the discretised white-noise acceleration of Bar-Shalom, Li and
Kirubarajan (2001, sec. 6.3.2): an acceleration ``a ~ N(0, sigma_a^2 I)`` held over each frame, so
``x' = F x + G a`` with ``G = [T^2/2 I; T I]`` and process covariance ``Q = sigma_a^2 G G^T``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from .._model import FrozenModel
from ..network.nodes import _ID, Point


class Mover(FrozenModel):
    """A node that moves: a user (served, and sensed through the echo of its own data beam) or a target."""

    id: str = _ID
    kind: Literal["user", "target"] = Field(description="'user' (served and tracked) or 'target' (tracked only)")
    position_m: Point = Field(description="(x, y) at time 0 [m]")
    velocity_mps: Point = Field((0.0, 0.0), description="(vx, vy) at time 0 [m/s]")
    motion: Literal["constant_velocity", "turn"] = "constant_velocity"
    turn_rate_dps: float = Field(0.0, ge=-180, le=180, description="turn: heading change [deg/s] (left positive)")
    accel_std_mps2: float = Field(0.0, ge=0, le=100, description="random acceleration per axis [m/s^2] (0: none)")
    rcs_m2: float = Field(1.0, gt=0, le=1e6, description="radar cross-section of the echo [m^2]")


def transition(dt: float, omega_rad_s: float = 0.0) -> NDArray[np.float64]:
    """F of one frame: constant velocity (``omega = 0``) or a coordinated turn at ``omega`` [rad/s]."""
    if abs(omega_rad_s) < 1e-12:
        return np.array([[1, 0, dt, 0], [0, 1, 0, dt], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=float)
    s, c = np.sin(omega_rad_s * dt), np.cos(omega_rad_s * dt)
    w = omega_rad_s
    return np.array([[1, 0, s / w, -(1 - c) / w],
                     [0, 1, (1 - c) / w, s / w],
                     [0, 0, c, -s],
                     [0, 0, s, c]])


def noise_gain(dt: float) -> NDArray[np.float64]:
    """G (4x2): how an acceleration held over one frame moves the state."""
    return np.vstack([0.5 * dt**2 * np.eye(2), dt * np.eye(2)])


def propagate(mover: Mover, dt: float, frames: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """(frames, 4): the mover's true state at t = 0, dt, ..., (frames - 1) dt."""
    f = transition(dt, np.deg2rad(mover.turn_rate_dps) if mover.motion == "turn" else 0.0)
    g = noise_gain(dt)
    out = np.empty((frames, 4))
    x = np.array([*mover.position_m, *mover.velocity_mps], dtype=float)
    for n in range(frames):
        out[n] = x
        x = f @ x + g @ (mover.accel_std_mps2 * rng.standard_normal(2))
    return out

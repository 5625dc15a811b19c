"""Physical constants and unit conversions (SI inside the library)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

SPEED_OF_LIGHT = 299_792_458.0  # m/s


def db_to_linear(x_db: ArrayLike) -> NDArray[np.float64] | float:
    """Power ratio in dB to linear: ``10**(x/10)``."""
    return np.power(10.0, np.asarray(x_db, dtype=float) / 10.0)


def linear_to_db(x: ArrayLike) -> NDArray[np.float64] | float:
    """Linear power ratio to dB; 0 maps to -inf (no warning)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(x)


def dbm_to_watt(p_dbm: ArrayLike) -> NDArray[np.float64] | float:
    """Power in dBm to watts."""
    return np.power(10.0, (np.asarray(p_dbm, dtype=float) - 30.0) / 10.0)


def watt_to_dbm(p_w: ArrayLike) -> NDArray[np.float64] | float:
    """Power in watts to dBm; 0 W maps to -inf."""
    p_w = np.asarray(p_w, dtype=float)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(p_w) + 30.0


def wavelength(carrier_hz: float) -> float:
    """Wavelength ``c / f_c`` in metres."""
    return SPEED_OF_LIGHT / carrier_hz

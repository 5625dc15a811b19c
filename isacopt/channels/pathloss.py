"""Large-scale path gain and the two-hop radar gain (SPEC.md section 1)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..network.system import SystemParams


def reference_gain(system: SystemParams) -> float:
    """beta0, the path gain at d0 = 1 m: ``(lambda / 4 pi)^2`` unless ``ref_gain_db`` is set."""
    if system.ref_gain_db is not None:
        return 10.0 ** (system.ref_gain_db / 10.0)
    return (system.wavelength_m / (4.0 * math.pi)) ** 2


def path_gain(distance_m: ArrayLike, system: SystemParams) -> NDArray[np.float64]:
    """beta(d) = beta0 * max(d, d_min)^(-alpha)  (d0 = 1 m), elementwise."""
    d = np.maximum(np.asarray(distance_m, dtype=float), system.min_distance_m)
    return reference_gain(system) * d ** (-system.pathloss_exponent)


def path_gain_of(distance_m: float, system: SystemParams) -> float:
    """:func:`path_gain` of one distance in plain float arithmetic: the same bits as the array form applied
    to a single value (tested), several times faster, for code that makes links one at a time. (Applied to a
    whole array at once numpy may take a vectorised ``pow`` whose last bit differs.)"""
    return reference_gain(system) * max(float(distance_m), system.min_distance_m) ** (-system.pathloss_exponent)


def radar_gain(d_tx_m: ArrayLike, d_rx_m: ArrayLike, rcs_m2: ArrayLike, system: SystemParams) -> NDArray[np.float64]:
    """Two-hop gain G = sigma_rcs * (4 pi / lambda^2) * beta(d_tx) * beta(d_rx).

    With alpha = 2 and the default beta0 this is the free-space radar equation
    ``lambda^2 sigma / ((4 pi)^3 d_tx^2 d_rx^2)``.
    """
    lam = system.wavelength_m
    return (np.asarray(rcs_m2, dtype=float) * (4.0 * math.pi / lam**2)
            * path_gain(d_tx_m, system) * path_gain(d_rx_m, system))

"""Network-level metrics of one snapshot (SPEC.md section 8)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..design import TransmitDesign
from ..errors import ValidationError
from ..network.model import Network


def in_window(network: Network) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Masks of the users and the targets inside the evaluation window (all, without a window)."""
    w = network.window
    if w is None:
        return np.ones(network.n_users, dtype=bool), np.ones(network.n_targets, dtype=bool)
    return w.contains_all(network.user_positions), w.contains_all(network.target_positions)


def window_area_km2(network: Network) -> float:
    """Area |W| of the network's evaluation window [km^2]; ValidationError without a window."""
    if network.window is None:
        raise ValidationError([("window", "area metrics need an evaluation window; set network.window")])
    return network.window.area_km2


def area_spectral_efficiency(rates_bps_hz: ArrayLike, mask: ArrayLike, area_km2: float) -> float:
    """sum of the rates of the counted nodes / |W| [bit/s/Hz/km^2]."""
    r = np.asarray(rates_bps_hz, dtype=float)
    return float(r[np.asarray(mask, dtype=bool)].sum() / area_km2)


def energy_efficiency(network: Network, design: TransmitDesign, rates_bps_hz: ArrayLike) -> float:
    """B sum_k r_k / sum_b (tr(R_b) / eta + P_circuit,b) [bit/J]."""
    s = network.system
    consumed = design.power_w.sum() / s.pa_efficiency + sum(b.circuit_power_w for b in network.base_stations)
    if consumed <= 0:
        return float("nan")
    return float(s.bandwidth_hz * np.sum(rates_bps_hz) / consumed)


def coverage(values: ArrayLike, threshold: float, *, below: bool = False) -> float:
    """Fraction of values >= threshold (SINR coverage) or <= threshold (``below``: CRLB coverage).

    ``nan`` for an empty set. An infinite root CRLB never counts as covered.
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return float("nan")
    hit = v <= threshold if below else v >= threshold
    return float(np.mean(hit))

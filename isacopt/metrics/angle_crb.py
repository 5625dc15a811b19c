"""Monostatic angle CRB of a point target (SPEC.md 5.3; Liu et al., IEEE TSP 2022)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..channels.derive import Channels
from ..design import TransmitDesign
from ..network.model import Network


def crb_terms(a_t: NDArray, a_t_dot: NDArray, a_r: NDArray, a_r_dot: NDArray, r: NDArray) -> tuple[float, float, complex]:
    """(tr(Adot^H Adot R), tr(A^H A R), tr(Adot^H A R)) with A = a_r a_t^H, Adot = dA/dphi."""
    A = np.outer(a_r, a_t.conj())
    Ad = np.outer(a_r_dot, a_t.conj()) + np.outer(a_r, a_t_dot.conj())
    t_dd = float(np.real(np.trace(Ad.conj().T @ Ad @ r)))
    t_aa = float(np.real(np.trace(A.conj().T @ A @ r)))
    t_da = complex(np.trace(Ad.conj().T @ A @ r))
    return t_dd, t_aa, t_da


def angle_crb_value(gain: float, samples: int, noise_w: float, terms: tuple[float, float, complex]) -> float:
    """CRB(phi) [rad^2] from the trace terms; ``inf`` when the Fisher information vanishes."""
    t_dd, t_aa, t_da = terms
    info = t_dd * t_aa - abs(t_da) ** 2
    if t_aa <= 0 or info <= 1e-12 * max(t_dd * t_aa, np.finfo(float).tiny):
        return float("inf")
    return noise_w / (2.0 * samples * gain) * t_aa / info


def angle_crb(network: Network, channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """(B, T): CRB of the azimuth of target t estimated by BS b alone [rad^2]."""
    out = np.full(channels.target_distance_m.shape, np.inf)
    for b in range(channels.n_bs):
        r = design.covariance(b)
        for t in range(out.shape[1]):
            terms = crb_terms(channels.tx_steering[b][t], channels.tx_steering_dot[b][t],
                              channels.rx_steering[b][t], channels.rx_steering_dot[b][t], r)
            out[b, t] = angle_crb_value(float(channels.radar_gain[b, b, t]), network.system.samples,
                                        channels.noise_w, terms)
    return out

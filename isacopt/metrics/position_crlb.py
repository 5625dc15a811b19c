"""Position CRLB of distributed MIMO radar (SPEC.md 5.4; Godrich, Haimovich, Blum 2010).

Every BS of a target's sensing cluster Q_t transmits orthogonal waveforms and
listens to all of them; the pair (i -> target -> j) measures the bistatic
range d_i + d_j with a delay CRLB of ``1 / (8 pi^2 beta^2 SNR_ij)``. Stacking the
pairs gives the 2x2 Fisher information of the target position:

    J_t = (8 pi^2 beta^2 / c^2) sum_{(i,j)} SNR_ij u_ij u_ij^T,   u_ij = e_i + e_j
"""

from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
from numpy.typing import NDArray

from ..channels.derive import Channels
from ..design import TransmitDesign
from ..network.model import Network
from ..units import SPEED_OF_LIGHT
from .sensing import target_beampattern

PairSet = Literal["fusion", "multistatic", "coherent"]


def pairs_of(cluster: Sequence[int], pairs: PairSet) -> list[tuple[int, int]]:
    """Transmit/receive pairs that count: monostatic only for ``fusion``, all pairs otherwise."""
    if pairs == "fusion":
        return [(i, i) for i in cluster]
    if pairs in ("multistatic", "coherent"):
        return [(i, j) for i in cluster for j in cluster]
    raise ValueError(f"pairs must be 'fusion', 'multistatic' or 'coherent', got {pairs!r}")


def unit_vectors(network: Network, t: int) -> NDArray[np.float64]:
    """(B, 2): e_i = (p_t - s_i) / ||p_t - s_i||."""
    d = network.target_positions[t][None, :] - network.bs_positions
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def fim_scale(network: Network, pairs: PairSet) -> float:
    """8 pi^2 beta^2 / c^2, with f_c^2 added to beta^2 for phase-locked (coherent) pairs."""
    s = network.system
    beta2 = s.beta_rms_hz**2 + (s.carrier_hz**2 if pairs == "coherent" else 0.0)
    return 8.0 * np.pi**2 * beta2 / SPEED_OF_LIGHT**2


def pair_snr(network: Network, channels: Channels, gains: NDArray[np.float64], i: int, j: int, t: int) -> float:
    """SNR_ij = L Nr_j G(d_i, d_j) g_i(phi_it) / sigma^2 for target t."""
    nr = network.base_stations[j].rx_antennas
    return network.system.samples * nr * channels.radar_gain[i, j, t] * gains[i, t] / channels.noise_w


def position_fim(network: Network, channels: Channels, design: TransmitDesign,
                 clusters: Sequence[Sequence[int]], pairs: PairSet = "multistatic") -> NDArray[np.float64]:
    """(T, 2, 2): Fisher information J_t of every target position [1/m^2]."""
    gains = target_beampattern(channels, design)
    scale = fim_scale(network, pairs)
    out = np.zeros((network.n_targets, 2, 2))
    for t, cluster in enumerate(clusters):
        e = unit_vectors(network, t)
        for i, j in pairs_of(cluster, pairs):
            u = e[i] + e[j]
            out[t] += scale * pair_snr(network, channels, gains, i, j, t) * np.outer(u, u)
    return out


def crlb_from_fim(fim: NDArray[np.float64], rel_tol: float = 1e-9) -> float:
    """tr(J^{-1}) [m^2]; ``inf`` when J is singular (fewer than two independent directions)."""
    eig = np.linalg.eigvalsh(fim)
    if eig[-1] <= 0 or eig[0] <= rel_tol * eig[-1]:
        return float("inf")
    return float(np.sum(1.0 / eig))


def position_crlb(network: Network, channels: Channels, design: TransmitDesign,
                  clusters: Sequence[Sequence[int]], pairs: PairSet = "multistatic") -> NDArray[np.float64]:
    """(T,): position CRLB tr(J_t^{-1}) of every target [m^2]; ``inf`` where J_t is singular."""
    return np.array([crlb_from_fim(j) for j in position_fim(network, channels, design, clusters, pairs)])

"""Sensing metrics: beampattern gain, monostatic sensing SINR, radar rate (SPEC.md 5.1-5.2)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..channels.arrays import steering
from ..channels.derive import Channels
from ..design import TransmitDesign
from ..network.model import Network


def beampattern(network: Network, design: TransmitDesign, b: int, phi: ArrayLike) -> NDArray[np.float64]:
    """g_b(phi) = a_Nt(phi)^H R_b a_Nt(phi) [W] toward azimuths ``phi`` [rad] (any shape)."""
    bs = network.base_stations[b]
    a = steering(bs.tx_antennas, phi, np.deg2rad(bs.orientation_deg))
    r = design.covariance(b)
    return np.real(np.einsum("...i,ij,...j->...", a.conj(), r, a))


def target_beampattern(channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """(B, T): g_b(phi_bt), the gain each BS radiates toward each target [W]."""
    rows = [np.real(np.einsum("ti,ij,tj->t", a.conj(), design.covariance(b), a))
            for b, a in enumerate(channels.tx_steering)]
    return np.array(rows).reshape(channels.n_bs, -1)


def sensing_interference_at(channels: Channels, design: TransmitDesign,
                            part: Literal["total", "data"] = "total") -> NDArray[np.float64]:
    """(B, T): ``sum_{j != b} u^H G_{b<-j} C_j G_{b<-j}^H u`` with u = a_Nr(phi_bt)/sqrt(Nr_b) [W];
    C_j = R_j (``part="total"``) or the data part R_j - R0_j (``"data"``: what still interferes with a
    matched filter when the BSs' dedicated sensing waveforms are mutually orthogonal)."""
    out = np.zeros_like(channels.target_distance_m)
    # once per BS, not per (receiver, BS) pair
    covs = [design.covariance(j) - (design.sensing[j] if part == "data" else 0) for j in range(channels.n_bs)]
    silent = [not np.any(r) for r in covs]
    for b, a_r in enumerate(channels.rx_steering):
        u = a_r / np.sqrt(a_r.shape[-1])  # (T, Nr)
        for j, g in enumerate(channels.crosslink[b]):
            if g is None or silent[j]:
                continue
            v = u.conj() @ g  # (T, Nt_j): u^H G
            out[b] += np.real(np.sum((v @ covs[j]) * v.conj(), axis=1))
    return out


def sensing_sinr(network: Network, channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """(B, T): monostatic sensing SINR of target t at BS b after integrating L samples.

    ``L Nr G(d,d) g_b(phi) / (cross-BS interference + sigma^2)``, matched receive beam.
    """
    nr = np.array([b.rx_antennas for b in network.base_stations], dtype=float)[:, None]
    mono = np.einsum("bbt->bt", channels.radar_gain)
    signal = network.system.samples * nr * mono * target_beampattern(channels, design)
    return signal / (sensing_interference_at(channels, design) + channels.noise_w)


def sensing_sinr_at(network: Network, channels: Channels, design: TransmitDesign,
                    heads: NDArray[np.int64] | list[int]) -> NDArray[np.float64]:
    """(T,): the sensing SINR of target t at BS ``heads[t]`` only, as in :func:`sensing_sinr` (which computes
    every BS-target pair): what a network-level average needs, at a fraction of the cost."""
    heads = np.asarray(heads, dtype=int)
    out = np.zeros(len(heads))
    if len(heads) == 0:
        return out
    covs = [design.covariance(j) for j in range(channels.n_bs)]
    silent = [not np.any(r) for r in covs]
    for b in np.unique(heads):
        ts = np.flatnonzero(heads == b)
        a = channels.tx_steering[b][ts]
        gain = np.real(np.sum((a.conj() @ covs[b]) * a, axis=1))  # a^H R_b a
        u = channels.rx_steering[b][ts] / np.sqrt(channels.rx_steering[b].shape[-1])
        inter = np.zeros(len(ts))
        for j, g in enumerate(channels.crosslink[b]):
            if g is None or silent[j]:
                continue
            v = u.conj() @ g
            inter += np.real(np.sum((v @ covs[j]) * v.conj(), axis=1))
        nr = network.base_stations[b].rx_antennas
        out[ts] = network.system.samples * nr * channels.radar_gain[b, b, ts] * gain / (inter + channels.noise_w)
    return out


def radar_rate(sensing_sinr_linear: ArrayLike) -> NDArray[np.float64]:
    """Radar information rate log2(1 + SINR_s) [bit/s/Hz]."""
    return np.log2(1.0 + np.asarray(sensing_sinr_linear, dtype=float))

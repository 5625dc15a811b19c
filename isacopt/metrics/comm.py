"""Communication metrics: SINR and rate (SPEC.md section 4)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..channels.arrays import quadratic_forms
from ..channels.derive import Channels
from ..design import TransmitDesign
from ..network.model import Network

JointTransmission = Literal["coherent", "non_coherent"]


def stream_powers(channels: Channels, design: TransmitDesign, joint: JointTransmission = "coherent") -> NDArray[np.float64]:
    """P[k, j]: power user k receives from the stream of user j.

    coherent: ``|sum_b h_{b,k}^H w_{b,j}|^2``; non_coherent: ``sum_b |h_{b,k}^H w_{b,j}|^2``
    (each BS's copy arrives with an independent phase, so powers add; this
    applies to the user's own stream and, consistently, to every other stream).
    """
    return stream_powers_at(channels.comm, design, joint)


def stream_powers_at(rows: tuple[NDArray[np.complex128], ...], design: TransmitDesign,
                     joint: JointTransmission = "coherent") -> NDArray[np.float64]:
    """``stream_powers`` at any receivers: ``rows[b]`` (R, Nt_b) are the channels from BS b to them."""
    if joint not in ("coherent", "non_coherent"):
        raise ValueError(f"joint must be 'coherent' or 'non_coherent', got {joint!r}")
    n_users = design.beams[0].shape[1] if design.beams else 0
    total = np.zeros((rows[0].shape[0] if rows else 0, n_users),
                     dtype=complex if joint == "coherent" else float)
    for h, w, cols in zip(rows, design.beams, design.streams):  # a BS carries few of the streams: skip the others
        if cols.size == 0:
            continue
        amp = h.conj() @ w[:, cols]  # amplitude[k, j] = h_{b,k}^H w_{b,j}
        total[:, cols] += amp if joint == "coherent" else np.abs(amp) ** 2
    return np.abs(total) ** 2 if joint == "coherent" else total


def sensing_interference(channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """Per user, ``sum_b h_{b,k}^H R0_b h_{b,k}``: power of the dedicated sensing signals [W]."""
    return sensing_power_at(channels.comm, design)


def sensing_power_at(rows: tuple[NDArray[np.complex128], ...], design: TransmitDesign) -> NDArray[np.float64]:
    """Per receiver, the power of the dedicated sensing signals through ``rows[b]`` (R, Nt_b) [W]."""
    return sum(np.real(quadratic_forms(h, r)) for h, r in zip(rows, design.sensing))


def sinr(network: Network, channels: Channels, design: TransmitDesign,
         joint: JointTransmission = "coherent") -> NDArray[np.float64]:
    """Linear SINR of every user (K,). Type-I receivers count the sensing signal as interference. Read-only,
    computed once per design, network, channels and joint transmission (a design's backhaul rate caps and
    its evaluation both read it)."""
    if network.n_users == 0:
        return np.zeros(0)
    return design.memo(f"sinr:{joint}", (network, channels), lambda: _sinr(network, channels, design, joint))


def _sinr(network: Network, channels: Channels, design: TransmitDesign, joint: JointTransmission) -> NDArray[np.float64]:
    iota = network.type1_users
    one_bs = _one_bs_per_stream(channels, design)
    if one_bs is not None:
        signal, interference, sensing = one_bs
        return signal / (interference + iota * sensing + channels.noise_w)
    p = stream_powers(channels, design, joint)
    signal = np.diag(p).copy()
    inter = p.sum(axis=1) - signal
    return signal / (inter + iota * sensing_interference(channels, design) + channels.noise_w)


def _one_bs_per_stream(channels: Channels, design: TransmitDesign):
    """(signal, data interference, sensing received) per user [W] when every user's data comes from at most one
    BS and every BS has the same Nt (no CoMP: coherent and non-coherent alike), else None. Then the K x K stream
    powers are not needed: what user k receives from a BS that does not beam its data is ``h^H (W_b W_b^H) h``
    (all of that BS's streams at once), and only the streams of its own BS are taken one by one. Nothing is a
    difference of two sums, so a high SINR over a low noise floor keeps its digits."""
    owner, w, h = design.stream_bs, design.stacked_beams, channels.stacked("comm")  # (K,), (B, Nt, K), (B, K, Nt)
    if owner is None or w is None or h is None:
        return None
    # data and sensing covariances in one stack: (2, B, Nt, Nt), both quadratic forms in one pass: (2, B, K)
    data, sensing = np.real(quadratic_forms(h, np.stack([w @ np.swapaxes(w, 1, 2).conj(), np.stack(design.sensing)])))
    served = np.flatnonzero(owner >= 0)
    data[owner[served], served] = 0.0  # the own BS's streams: below, stream by stream
    k, j = _same_bs_pairs(owner, served)
    b = owner[k]
    power = np.abs(np.sum(h[b, k].conj() * w[b, :, j], axis=-1)) ** 2  # |h_{b,k}^H w_{b,j}|^2
    own = k == j
    signal = np.zeros(len(owner))
    signal[k[own]] = power[own]
    interference = np.sum(data, axis=0) + np.bincount(k[~own], weights=power[~own], minlength=len(owner))
    return signal, interference, np.sum(sensing, axis=0)


def _same_bs_pairs(owner: NDArray[np.int64], served: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every (user k, stream j) pair of users served by the same BS, k == j included."""
    by_bs = served[np.argsort(owner[served], kind="stable")]  # served users, grouped by BS
    group = owner[by_bs]
    count = np.bincount(group)
    size, start = count[group], (np.cumsum(count) - count)[group]  # each user's group: its size, where it starts
    k = np.repeat(by_bs, size)
    offset = np.arange(len(k)) - np.repeat(np.cumsum(size) - size, size)  # 0 .. size - 1 along each user's run
    return k, by_bs[np.repeat(start, size) + offset]


def rate(sinr_linear: NDArray[np.float64]) -> NDArray[np.float64]:
    """Spectral efficiency log2(1 + SINR) [bit/s/Hz]."""
    return np.log2(1.0 + np.asarray(sinr_linear, dtype=float))

"""Sensing metrics: beampattern gain, monostatic sensing SINR, radar rate (SPEC.md 5.1-5.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..channels.arrays import quadratic_forms, steering
from ..channels.crosslink import stacked_rows
from ..channels.derive import Channels
from ..design import TransmitDesign
from ..network.model import Network


def beampattern(network: Network, design: TransmitDesign, b: int, phi: ArrayLike) -> NDArray[np.float64]:
    """g_b(phi) = a_Nt(phi)^H R_b a_Nt(phi) [W] toward azimuths ``phi`` [rad] (any shape)."""
    bs = network.base_stations[b]
    a = steering(bs.tx_antennas, phi, np.deg2rad(bs.orientation_deg))
    r = design.covariance(b)
    return np.real(quadratic_forms(a, r))


def target_beampattern(channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """(B, T): g_b(phi_bt), the gain each BS radiates toward each target [W]; read-only, computed once per
    design and channels (an evaluation, its sensing SINRs and its position CRLBs all read it; a design is
    not changed after it is first read)."""
    return design.memo("target_beampattern", (channels,), lambda: _target_beampattern(channels, design))


def _target_beampattern(channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    r = design.stacked_covariances
    a = channels.stacked("tx_steering")
    if r is not None and len(r) == channels.n_bs and a is not None:  # every BS at once
        return np.real(quadratic_forms(a, r)).reshape(channels.n_bs, -1)
    rows = [np.real(quadratic_forms(a, design.covariance(b)))
            for b, a in enumerate(channels.tx_steering)]
    return np.array(rows).reshape(channels.n_bs, -1)


def sensing_interference_at(channels: Channels, design: TransmitDesign,
                            part: Literal["total", "data"] = "total",
                            pairs: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
    """(B, T): ``sum_{j != b} u^H G_{b<-j} C_j G_{b<-j}^H u`` with u = a_Nr(phi_bt)/sqrt(Nr_b) [W];
    C_j = R_j (``part="total"``) or the data part R_j - R0_j (``"data"``: what still interferes with a
    matched filter when the BSs' dedicated sensing waveforms are mutually orthogonal). ``pairs`` (B, T):
    compute only these (receiver, target) entries (NaN elsewhere): the cross-links of a receiver no
    target needs are then never made, which keeps a large network's cost linear in BSs x targets."""
    shape = channels.target_distance_m.shape
    want = np.ones(shape, dtype=bool) if pairs is None else np.asarray(pairs, dtype=bool)
    out = np.where(want, 0.0, np.nan)
    if part == "data":  # once per BS, not per (receiver, BS) pair
        covs = [design.covariance(j) - design.sensing[j] for j in range(channels.n_bs)]
        stacked_covs = _stack(covs)
    else:
        covs, stacked_covs = [design.covariance(j) for j in range(channels.n_bs)], design.stacked_covariances
    receivers = np.flatnonzero(want.any(axis=1))
    if channels.n_bs == 1:  # no other transmitter
        return out
    if stacked_covs is not None and channels.stacked("rx_steering") is not None:
        _all_pairs_at_once(channels, stacked_covs, want, out)
        return out
    loud = np.array([bool(np.any(r)) for r in covs])
    for b in receivers:  # transmit arrays of different sizes: receiver by receiver, link by link
        ts = np.flatnonzero(want[b])
        u = channels.rx_steering[b][ts] / np.sqrt(channels.rx_steering[b].shape[-1])  # (T_b, Nr)
        for j, g in enumerate(channels.crosslink[b]):
            if g is None or not loud[j]:
                continue
            v = u.conj() @ g  # (T_b, Nt_j): u^H G
            out[b, ts] += np.real(np.sum((v @ covs[j]) * v.conj(), axis=1))
    return out


# complex entries of the cross-links gathered per batch of (receiver, target) pairs: a small network's pairs in one
# batch, a large one's in a few (memory stays linear in BSs x targets)
_BATCH_ENTRIES = 2**20


def _all_pairs_at_once(channels: Channels, covs: NDArray[np.complex128], want: NDArray[np.bool_],
                       out: NDArray[np.float64]) -> None:
    """:func:`sensing_interference_at` with equal arrays: every wanted pair and every transmitter in a few array
    operations (a receiver's own zero block and a silent transmitter's zero covariance add exact zeros)."""
    rx, ts = np.nonzero(want)  # receiver by receiver
    if len(rx) == 0:
        return
    n_bs, nt = covs.shape[0], covs.shape[-1]
    nr = channels.rx_steering[int(rx[0])].shape[-1]
    per = max(1, _BATCH_ENTRIES // (n_bs * nr * nt))
    for start in range(0, len(rx), per):
        r, t = rx[start:start + per], ts[start:start + per]
        first = np.r_[True, r[1:] != r[:-1]]  # r is sorted: each receiver's run starts where it changes
        bs, at = r[first], np.cumsum(first) - 1
        rows = stacked_rows(channels.crosslink, bs)  # (R, J, Nr, Nt)
        if rows is None:  # equal covariances, so equal arrays: not reached
            raise ValueError("cross-link rows of unequal arrays")
        links = rows.transpose(0, 2, 1, 3).reshape(len(bs), nr, n_bs * nt)  # (R, Nr, J Nt): [G_{b<-0} ...]
        u = channels.stacked("rx_steering")[r, t] / np.sqrt(nr)  # (P, Nr)
        v = np.matmul(u.conj()[:, None, :], links[at])[:, 0]  # (P, J Nt): u^H G_{b<-j} for every j
        v = v.reshape(len(r), n_bs, nt).transpose(1, 0, 2)  # (J, P, Nt)
        out[r, t] = np.sum((np.matmul(v, covs) * v.conj()).real, axis=(0, 2))


def _stack(covs: list[NDArray[np.complex128]]) -> NDArray[np.complex128] | None:
    """(B, Nt, Nt) when every BS has the same Nt, else None."""
    return np.stack(covs) if len({c.shape for c in covs}) == 1 else None


def sensing_sinr(network: Network, channels: Channels, design: TransmitDesign,
                 pairs: NDArray[np.bool_] | None = None) -> NDArray[np.float64]:
    """(B, T): monostatic sensing SINR of target t at BS b after integrating L samples.

    ``L Nr G(d,d) g_b(phi) / (cross-BS interference + sigma^2)``, matched receive beam; ``pairs``: only
    these (BS, target) entries, NaN elsewhere (:func:`sensing_interference_at`).
    """
    nr = np.array([b.rx_antennas for b in network.base_stations], dtype=float)[:, None]
    mono = np.einsum("bbt->bt", channels.radar_gain)
    signal = network.system.samples * nr * mono * target_beampattern(channels, design)
    return signal / (sensing_interference_at(channels, design, pairs=pairs) + channels.noise_w)


def at_heads(shape: tuple[int, int], heads: Sequence[int]) -> NDArray[np.bool_]:
    """(B, T) mask of the pairs (heads[t], t): what a per-target metric at its head BS needs."""
    mask = np.zeros(shape, dtype=bool)
    mask[np.asarray(heads, dtype=int), np.arange(len(heads))] = True
    return mask


def radar_rate(sensing_sinr_linear: ArrayLike) -> NDArray[np.float64]:
    """Radar information rate log2(1 + SINR_s) [bit/s/Hz]."""
    return np.log2(1.0 + np.asarray(sensing_sinr_linear, dtype=float))


def sensing_sinr_at(network: Network, channels: Channels, design: TransmitDesign,
                    heads: Sequence[int]) -> NDArray[np.float64]:
    """(T,): the sensing SINR of target t at BS ``heads[t]`` only (what a network-level average needs):
    :func:`sensing_sinr` on those pairs, whose other receivers' cross-links are never made."""
    heads = np.asarray(heads, dtype=int)
    if len(heads) == 0:
        return np.zeros(0)
    full = sensing_sinr(network, channels, design, pairs=at_heads(channels.target_distance_m.shape, heads))
    return full[heads, np.arange(len(heads))]

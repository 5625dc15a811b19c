"""Monostatic angle CRB of a point target (SPEC.md 5.3; Liu et al., IEEE TSP 2022)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ..channels.arrays import quadratic_forms
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


def trace_terms(channels: Channels, design: TransmitDesign, b: int) -> tuple[NDArray, NDArray, NDArray]:
    """(t_dd, t_aa, t_da), each (T,), of BS b toward every target: with A = a_r a_t^H the traces reduce
    to quadratic forms of R (``tr(x y^H R) = y^H R x``); :func:`crb_terms` is the literal matrix form."""
    return _terms(channels.tx_steering[b], channels.tx_steering_dot[b], channels.rx_steering[b],
                  channels.rx_steering_dot[b], design.covariance(b))


def all_trace_terms(channels: Channels, design: TransmitDesign) -> tuple[NDArray, NDArray, NDArray]:
    """:func:`trace_terms` of every BS, each (B, T): one batched computation when every BS has the same
    antennas (the usual case), else BS by BS; read-only, computed once per design and channels (the angle
    CRB and the position CRLB's angle information both read them)."""
    return design.memo("angle_crb_traces", (channels,), lambda: _all_trace_terms(channels, design))


def _all_trace_terms(channels: Channels, design: TransmitDesign) -> tuple[NDArray, NDArray, NDArray]:
    r = design.stacked_covariances
    steering = [channels.stacked(name) for name in ("tx_steering", "tx_steering_dot", "rx_steering", "rx_steering_dot")]
    if r is not None and len(r) == channels.n_bs and all(a is not None for a in steering):
        return _terms(*steering, r)
    rows = [trace_terms(channels, design, b) for b in range(channels.n_bs)]
    return tuple(np.stack([row[i] for row in rows]) for i in range(3))  # type: ignore[return-value]


def _terms(at: NDArray, atd: NDArray, ar: NDArray, ard: NDArray, r: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """The traces for steering vectors (..., T, N) and covariances (..., N, N), any leading axes."""
    left = at.conj() @ r  # a_t^H R, shared by q_aa and q_ad (quadratic_forms' arithmetic, the same bits)
    q_aa, q_ad, q_dd = np.sum(left * at, axis=-1), np.sum(left * atd, axis=-1), quadratic_forms(atd, r)
    nr2 = np.sum(np.abs(ar) ** 2, axis=-1)
    nrd2 = np.sum(np.abs(ard) ** 2, axis=-1)
    c = np.sum(ard.conj() * ar, axis=-1)  # adot_r^H a_r
    t_aa = np.real(nr2 * q_aa)
    t_dd = np.real(nrd2 * q_aa + c * q_ad.conj() + c.conj() * q_ad + nr2 * q_dd)
    t_da = c * q_aa + nr2 * q_ad
    return t_dd, t_aa, t_da


def angle_crb(network: Network, channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """(B, T): CRB of the azimuth of target t estimated by BS b alone [rad^2]."""
    out = np.full(channels.target_distance_m.shape, np.inf)
    if out.shape[1] == 0:
        return out
    # angle_crb_value, for every (BS, target) at once
    return _crb(network, channels, all_trace_terms(channels, design), np.einsum("bbt->bt", channels.radar_gain))


def angle_crb_at(network: Network, channels: Channels, design: TransmitDesign, heads: Sequence[int]) -> NDArray[np.float64]:
    """(T,): :func:`angle_crb` of target t at BS ``heads[t]`` only (what a target's report needs): the traces of
    those (BS, target) pairs alone, a B-th of the work."""
    heads = np.asarray(heads, dtype=np.int64)
    t = np.arange(len(heads))
    steering = [channels.stacked(name) for name in ("tx_steering", "tx_steering_dot", "rx_steering", "rx_steering_dot")]
    r = design.stacked_covariances
    if len(heads) == 0 or r is None or any(a is None for a in steering):
        return angle_crb(network, channels, design)[heads, t]
    at, atd, ar, ard = (a[heads, t][:, None, :] for a in steering)  # (T, 1, N): one row per target
    terms = tuple(x[:, 0] for x in _terms(at, atd, ar, ard, r[heads]))
    return _crb(network, channels, terms, channels.radar_gain[heads, heads, t])


def _crb(network: Network, channels: Channels, terms: tuple[NDArray, NDArray, NDArray], gain: NDArray) -> NDArray:
    """:func:`angle_crb_value` of arrays of trace terms and monostatic gains."""
    t_dd, t_aa, t_da = terms
    info = t_dd * t_aa - np.abs(t_da) ** 2
    ok = (t_aa > 0) & (info > 1e-12 * np.maximum(t_dd * t_aa, np.finfo(float).tiny))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = channels.noise_w / (2.0 * network.system.samples * gain) * t_aa / info
    return np.where(ok, value, np.inf)


def angle_fisher(network: Network, channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """(B, T): Fisher information of target t's azimuth at BS b alone [1/rad^2], noise-limited:
    ``2 L G (t_dd - |t_da|^2 / t_aa) / sigma^2``, the inverse of :func:`angle_crb` (0 where it is inf)."""
    if channels.target_distance_m.shape[1] == 0:
        return np.zeros(channels.target_distance_m.shape)
    t_dd, t_aa, t_da = all_trace_terms(channels, design)
    info = np.where(t_aa > 0, t_dd - np.abs(t_da) ** 2 / np.where(t_aa > 0, t_aa, 1.0), 0.0)
    info = np.where(info > 1e-12 * np.maximum(t_dd, np.finfo(float).tiny), info, 0.0)
    return 2.0 * network.system.samples * np.einsum("bbt->bt", channels.radar_gain) * info / channels.noise_w

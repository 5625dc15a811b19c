"""From the SDP's matrices to beamformers (SPEC.md section 3, DESIGN: extract design).

- ``hua_xu_han``: with dedicated sensing streams, w_k = W_k h_k / sqrt(h_k^H W_k h_k) and
  R0_b = R_b - sum_k w_k w_k^H. The covariance R_b, each user's useful power and (Type I)
  each user's total interference are unchanged, Type-II interference can only drop, and
  R0_b is PSD (Hua, Xu, Han 2023; Liu et al. 2020): the design attains the SDP bound.
- ``eigen``: every W_k already rank one: w_k = sqrt(lambda_1) v_1.
- otherwise the builder draws Gaussian candidates (``gaussian_candidates``) and re-optimises
  the powers along them, which restores feasibility.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..design import TransmitDesign
from ..formulation.data import SnapshotData
from ..formulation.realsdp import to_complex

RANK_ONE_TOL = 1e-6


def psd_part(m: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """Nearest PSD matrix (negative eigenvalues, solver noise, clipped)."""
    m = (m + m.conj().T) / 2
    vals, vecs = np.linalg.eigh(m)
    return (vecs * np.clip(vals, 0, None)) @ vecs.conj().T


def full_matrices(data: SnapshotData, user_s: dict[int, np.ndarray], sensing_s: list[np.ndarray | None]):
    """W_k = V_b Z_k V_b^H (Nt x Nt) of every served user and R0_b of every BS."""
    w = {}
    for k, s in user_s.items():
        v = data.nulls.bases[data.serving[k]]
        w[k] = psd_part(v @ to_complex(s) @ v.conj().T)
    r0 = []
    for b, s in enumerate(sensing_s):
        nt = data.network.base_stations[b].tx_antennas
        v = data.nulls.bases[b]
        r0.append(np.zeros((nt, nt), complex) if s is None else psd_part(v @ to_complex(s) @ v.conj().T))
    return w, r0


def is_rank_one(w: dict[int, np.ndarray]) -> bool:
    for m in w.values():
        vals = np.linalg.eigvalsh(m)
        if vals[-1] > 0 and (vals[-2] if len(vals) > 1 else 0.0) > RANK_ONE_TOL * vals[-1]:
            return False
    return True


def _design(data: SnapshotData, beams: dict[int, np.ndarray], r0: list[np.ndarray]) -> TransmitDesign:
    cols = TransmitDesign.zeros(data.network).beams
    for k, w in beams.items():
        cols[data.serving[k]][:, k] = w
    return TransmitDesign(cols, tuple(r0))


def hua_xu_han(data: SnapshotData, w: dict[int, np.ndarray], r0: list[np.ndarray]) -> TransmitDesign:
    beams = {}
    total = [r.copy() for r in r0]
    for k, m in w.items():
        b = data.serving[k]
        total[b] = total[b] + m
        h = data.channels.comm[b][k]
        q = float(np.real(np.vdot(h, m @ h)))
        beams[k] = m @ h / np.sqrt(q) if q > 1e-300 else np.zeros_like(h)
    new_r0 = []
    for b, r in enumerate(total):
        rank_one = sum((np.outer(beams[k], beams[k].conj()) for k in beams if data.serving[k] == b),
                       np.zeros_like(r))
        new_r0.append(psd_part(r - rank_one))
    return _design(data, beams, new_r0)


def principal(data: SnapshotData, w: dict[int, np.ndarray], r0: list[np.ndarray]) -> TransmitDesign:
    beams = {}
    for k, m in w.items():
        vals, vecs = np.linalg.eigh(m)
        beams[k] = np.sqrt(max(vals[-1], 0.0)) * vecs[:, -1]
    return _design(data, beams, r0)


def gaussian_candidates(w: dict[int, np.ndarray], count: int, rng: np.random.Generator):
    """Unit-norm directions: the principal eigenvectors first, then draws u ~ CN(0, W_k)."""
    eig = {k: np.linalg.eigh(m) for k, m in w.items()}
    first = {k: vecs[:, -1] for k, (vals, vecs) in eig.items()}
    yield first
    for _ in range(count):
        cand = {}
        for k, (vals, vecs) in eig.items():
            xi = (rng.standard_normal(len(vals)) + 1j * rng.standard_normal(len(vals))) / np.sqrt(2)
            u = (vecs * np.sqrt(np.clip(vals, 0, None))) @ xi
            n = np.linalg.norm(u)
            cand[k] = u / n if n > 0 else first[k]
        yield cand

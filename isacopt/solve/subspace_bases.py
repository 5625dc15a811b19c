"""How the subspace method's bases start and grow (solve.subspace): each block's first directions, and
after a restricted solve the range of its design, the directions the duals price in and a short memory of
older ones."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..formulation.data import SnapshotData
from ..formulation.linear import LinearSDP
from .restricted import BlockTerms


def initial_bases(sdp: LinearSDP, terms: list[BlockTerms], data: SnapshotData,
                  full_dim: int = 0) -> list[NDArray[np.complex128]]:
    """Regularised zero-forcing direction and own channel for a user's beam; target directions for R0;
    the whole space for blocks of at most ``full_dim`` dimensions."""
    bases = []
    signal = own_signal_terms(sdp)
    for X, (blk, t) in enumerate(zip(sdp.blocks, terms)):
        if blk.dim <= full_dim:
            cand = np.eye(blk.dim, dtype=complex)
        elif blk.user is not None:
            # the user's channel as its SINR row reads it (stacked over a cooperative block's BSs)
            own = signal[X][2] if X in signal else data.user_channel(blk.bs, blk.user)
            interf = t.vectors[:, t.vec_alpha < 0]  # channels of every user this BS reaches
            reg = interf.shape[1] / max(data.budget(blk.bs), 1e-12)
            rzf = np.linalg.solve(interf @ interf.conj().T + reg * np.eye(blk.dim), own)
            cand = np.stack([own, rzf], axis=1)
        else:
            cand = t.vectors[:, t.vec_alpha > 0]  # steering vectors of the targets it senses
            if cand.shape[1] == 0:
                cand = np.zeros((blk.dim, 0), complex)
        bases.append(orthonormal(cand))
    return bases


def orthonormal(vectors: NDArray[np.complex128], tol: float = 1e-9) -> NDArray[np.complex128]:
    norms = np.linalg.norm(vectors, axis=0)
    vectors = vectors[:, norms > 0] / norms[norms > 0]  # unit columns: the rank test must not see their scales
    if vectors.shape[1] == 0:
        return vectors
    u, s, _ = np.linalg.svd(vectors, full_matrices=False)
    return u[:, s > tol * max(s[0], 1e-300)]


def own_signal_terms(sdp: LinearSDP) -> dict[int, tuple[int, float, NDArray[np.complex128]]]:
    """Per user block: its own SINR row, coefficient and channel (the signal term of Z_X)."""
    rows = {r.label: i for i, r in enumerate(sdp.rows)}
    out = {}
    for X, blk in enumerate(sdp.blocks):
        i = rows.get(f"sinr:{blk.user}") if blk.user is not None else None
        if i is not None:
            out[X] = next((i, a, v) for (b, a, v) in sdp.rows[i].terms if b == X and a > 0)
    return out


def dual_beam(base: NDArray[np.complex128], h: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """(c I - B)^{-1} h: the beam the dual matrix B = Z_X minus the user's own signal term asks for
    (at the optimum B <= 0 and W_k is along -B^{-1} h, as in uplink-downlink duality)."""
    lam = np.linalg.eigvalsh(base)
    c = max(float(lam[-1]), 0.0) + 1e-9 * max(1.0, float(np.abs(lam).max()))
    return np.linalg.solve(c * np.eye(len(h)) - base, h)[:, None]


def next_basis(u: NDArray[np.complex128], y: NDArray[np.complex128], new: NDArray[np.complex128],
               memory: int, cutoff: float = 1e-7) -> NDArray[np.complex128]:
    """The range of Y (the current design stays feasible), the new directions, and up to ``memory``
    further directions of the old basis, most-used first (they damp the zigzag of pure pruning)."""
    if not y.size:
        return orthonormal(new)
    ly, vy = np.linalg.eigh(y)
    order = np.argsort(ly)[::-1]
    used = ly[order] > cutoff * max(float(ly[order[0]]), 1e-300)
    n_used = max(int(used.sum()), 1)
    keep = u @ vy[:, order[:n_used + memory]]
    return orthonormal(np.concatenate([u @ vy[:, order[:n_used]], new, keep[:, n_used:]], axis=1))

"""Beamformers from the cooperative SDP's blocks.

Non-coherent blocks are single-BS: the Hua-Xu-Han construction applies per block and keeps
every R_b, every useful power and every user's per-BS received power, so the design attains
the bound. Coherent blocks: the stacked w_k = W_k h_k / sqrt(h_k^H W_k h_k) keeps the useful
power and R_b (its diagonal blocks only grow R0_b, which stays PSD); interference can change,
so the certificate decides; a rank-one stacked W_k (two BSs or more) is simply its principal eigenvector.
"""

from __future__ import annotations

import numpy as np

from ..design import TransmitDesign
from ..formulation.realsdp import to_complex
from ..solve.extract import RANK_ONE_TOL, psd_part


def extract(data, variables, coherent: bool, serving=None) -> tuple[TransmitDesign, bool, str]:
    """``serving``: the chosen clusters of a problem compiled for more links (terms.link_gates); the parts
    of a block outside them are zero to the solver's accuracy and are left out of the beams exactly."""
    return extract_blocks(data, variables.blocks, solved_blocks(data, variables), solved_covariances(data, variables),
                          coherent, serving)


def solved_blocks(data, variables) -> list[np.ndarray]:
    """Every user block's solved matrix [W], complex."""
    return [psd_part(to_complex(np.asarray(s.value)) * data.p_ref) for s in variables.S]


def solved_sensing(data, variables) -> list[np.ndarray | None]:
    """Every BS's solved dedicated sensing covariance R0_b [W] (None without sensing streams)."""
    return [None if r is None else psd_part(to_complex(np.asarray(r.value)) * data.p_ref) for r in variables.sensing]


def within_split(design: TransmitDesign, caps: list[float], relaxed: list[np.ndarray | None]) -> TransmitDesign:
    """The design with each R0_b at most ``caps[b]`` in power (a fixed split ``comm_fraction``).

    Extraction moves what a higher-rank coherent block holds beyond its beam, ``W - w w^H``, into R0_b;
    under a fixed split that can take R0_b past the sensing share, and the cross pairs of an orthogonal
    waveform would then see more than the relaxation allowed. The relaxed R0_b is kept and only that
    surplus scaled down, so the sensing share holds (the certificate checks it)."""
    out = list(design.sensing)
    for b, (r0, cap, base) in enumerate(zip(design.sensing, caps, relaxed)):
        power = float(np.trace(r0).real)
        if power <= cap * (1 + 1e-12):
            continue
        base = np.zeros_like(r0) if base is None else base
        kept = float(np.trace(base).real)
        if kept >= cap:
            out[b] = base * (cap / kept)
        else:
            out[b] = base + (r0 - base) * ((cap - kept) / (power - kept))
    return TransmitDesign(design.beams, tuple(out))


def solved_covariances(data, variables) -> list[np.ndarray]:
    """Every BS's solved covariance R_b [W], complex."""
    return [psd_part(to_complex(np.asarray(c.value)) * data.p_ref) for c in variables.cov]


def extract_blocks(data, blocks, mats: list[np.ndarray], cov: list[np.ndarray], coherent: bool,
                   serving=None) -> tuple[TransmitDesign, bool, str]:
    """The design of user blocks ``mats`` (``blocks``: their users, BSs and offsets) and covariances ``cov``
    [W], from either relaxation (the cvxpy SDP or the subspace path)."""
    net = data.network
    nts = [b.tx_antennas for b in net.base_stations]
    rank_one = True
    beams = [np.zeros((nt, net.n_users), complex) for nt in nts]
    for blk, m in zip(blocks, mats):
        vals, vecs = np.linalg.eigh(m)
        if vals[-1] > 0 and len(vals) > 1 and vals[-2] > RANK_ONE_TOL * vals[-1]:
            rank_one = False
        h = np.concatenate([data.channels.comm[b][blk.user] for b in blk.bss])
        q = float(np.real(np.vdot(h, m @ h)))
        w = m @ h / np.sqrt(q) if q > 1e-300 else np.zeros(len(h), complex)
        if coherent and rank_one and len(blk.bss) > 1:
            # a stacked block's remainder W - w w^H has cross-BS parts no R0_b can take: its own eigenvector;
            # a one-BS block keeps the Hua-Xu-Han beam, which leaves every user's SINR as the relaxation's
            # (an eigenvector drops the near-zero rest of W from its user's signal: 1e-5 short seen at 22 dB)
            w = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
            w *= np.exp(-1j * np.angle(np.vdot(h, w)))  # common phase: irrelevant, kept tidy
        for b, o in zip(blk.bss, blk.offsets):
            if serving is None or b in serving[blk.user]:
                beams[b][:, blk.user] = w[o:o + nts[b]]
    sensing = []
    for b in range(net.n_bs):
        r0 = cov[b] - beams[b] @ beams[b].conj().T
        sensing.append(psd_part(r0))
    method = "hua-xu-han" + ("" if not coherent else " (stacked)")
    return TransmitDesign(tuple(beams), tuple(sensing)), rank_one, method


def chosen_part(blk, m: np.ndarray, cluster: tuple[int, ...], nts: list[int]) -> np.ndarray:
    """The rows and columns of a block's matrix ``m`` that belong to the BSs of ``cluster`` (in its order):
    a gated block (compiled for more BSs than the user's chosen cluster) cut down to the chosen one."""
    parts = [np.arange(o, o + nts[b]) for b in cluster if b in blk.bss for o in (blk.offsets[blk.bss.index(b)],)]
    idx = np.concatenate(parts) if parts else np.zeros(0, int)
    return m[np.ix_(idx, idx)]

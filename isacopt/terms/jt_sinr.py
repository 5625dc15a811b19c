"""SINR with joint transmission (SPEC.md section 4), in noise units.

Coherent: user k's block stacks its cluster, the useful power is h_{C_k}^H W_k h_{C_k}.
Non-coherent: one block per BS, powers add. Interference of a block of user j at user k
is the same quadratic form with the block's stacked channel toward k; Type-I users also
see every sensing signal. The constraint is SINR_k >= Gamma_k rearranged:

    (1 + 1/Gamma_k) sum_{blocks of k} q_k(W) - sum_{all blocks} q_k(W) - iota_k sum_b h^H R0_b h >= 1
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term, functional_param, lin, set_functional


class JointSinr(Term):
    def __init__(self, users: list[int], blocks, antennas: tuple[int, ...], type2: tuple[bool, ...],
                 with_targets: bool = True):
        """``with_targets=False``: only the received powers (``received``, ``interference``), no constraints."""
        self.users, self.blocks, self.type2 = users, blocks, type2
        self.with_targets = with_targets
        self.own = {(i, k): functional_param(blk.size, f"jt_own_{i}_{k}")
                    for k in users for i, blk in enumerate(blocks) if blk.user == k} if with_targets else {}
        self.cross = {(i, k): functional_param(blk.size, f"jt_cross_{i}_{k}") for k in users
                      for i, blk in enumerate(blocks)}
        self.sense = {(b, k): functional_param(nt, f"jt_sense_{b}_{k}") for k in users
                      for b, nt in enumerate(antennas) if not type2[k]}
        self._h: dict = {}
        # the chosen serving clusters of a problem compiled for more links (terms.link_gates): a block's part
        # at a BS outside its user's chosen cluster is held near zero, and reaches no user (zero channel), so
        # that what it holds (up to the gate's cap) neither helps nor hurts any SINR
        self.serving: tuple[tuple[int, ...], ...] | None = None

    def margin(self, v, k: int) -> cp.Expression:
        terms = [lin(p, v.S[i]) for (i, kk), p in self.own.items() if kk == k]
        terms += [-lin(p, v.S[i]) for (i, kk), p in self.cross.items() if kk == k]
        terms += [-lin(p, v.sensing[b]) for (b, kk), p in self.sense.items() if kk == k and v.sensing[b] is not None]
        return cp.sum(terms) - 1

    def received(self, v, k: int) -> cp.Expression:
        """Everything user k receives but noise, in noise units (useful + interference + sensing)."""
        terms = [lin(p, v.S[i]) for (i, kk), p in self.cross.items() if kk == k]
        terms += [lin(p, v.sensing[b]) for (b, kk), p in self.sense.items() if kk == k and v.sensing[b] is not None]
        return cp.sum(terms)

    def interference(self, v, k: int) -> cp.Expression:
        """``received`` minus the useful power of k's own blocks."""
        own = [lin(p, v.S[i]) for (i, kk), p in self.cross.items() if kk == k and self.blocks[i].user == k]
        return self.received(v, k) - cp.sum(own)

    def residuals(self, v):
        if not self.with_targets:
            return []
        return [(f"sinr:{k}", self.margin(v, k)) for k in self.users]

    def update(self, data) -> None:
        scale = np.sqrt(data.p_ref / data.noise)
        for k in self.users:
            for i, blk in enumerate(self.blocks):
                h = np.concatenate([data.channels.comm[b][k] * self._on(blk, b) for b in blk.bss]) * scale
                self._h[(i, k)] = np.outer(h, h.conj())
                set_functional(self.cross[(i, k)], self._h[(i, k)])
            for (b, kk), p in self.sense.items():
                if kk == k:
                    h = data.channels.comm[b][k] * scale
                    set_functional(p, np.outer(h, h.conj()))
        if self.with_targets:
            self.set_targets({k: data.sinr_targets[k] for k in self.users})

    def _on(self, blk, b: int) -> float:
        return 1.0 if self.serving is None or b in self.serving[blk.user] else 0.0

    def set_targets(self, targets: dict[int, float]) -> None:
        for (i, k), p in self.own.items():
            set_functional(p, self._h[(i, k)], 1.0 + 1.0 / targets[k])

"""Eavesdroppers with joint transmission (cooperative ISAC): no user's data above ``max_sinr_db`` at any
eavesdropper. With g the stacked channel of a block toward eavesdropper e (noise units), the SINR of user
k's data there, SINR_{e,k} <= gamma_e, rearranged (own blocks added to both sides):

    gamma_e (sum_{all blocks i} q_{i,e}(S_i) + sum_b g_{b,e}^H R0_b g_{b,e} + 1) - (1 + gamma_e) sum_{i of k} q_{i,e}(S_i) >= 0

(divided by max(1, gamma_e), as in ``eavesdropper``).
Coherent blocks stack a user's cluster (the copies add in amplitude at the eavesdropper as at the user);
non-coherent ones are one block per BS (their powers add), as in ``jt_sinr``. The sensing covariances are
interference there: artificial noise.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term, functional_param, lin, set_functional
from .eavesdropper import row_scale


class JointEavesdropperCaps(Term):
    def __init__(self, n_eves: int, users: list[int], blocks, antennas: tuple[int, ...], sensing_streams: bool):
        self.eves, self.users, self.blocks = range(n_eves), users, blocks
        self.reach = {(i, e): functional_param(blk.size, f"jt_eve_all_{i}_{e}") for e in self.eves
                      for i, blk in enumerate(blocks)}
        self.own = {(i, e): functional_param(blk.size, f"jt_eve_own_{i}_{e}") for e in self.eves
                    for i, blk in enumerate(blocks) if blk.user in users}
        self.sense = {(b, e): functional_param(nt, f"jt_eve_sense_{b}_{e}") for e in self.eves
                      for b, nt in enumerate(antennas)} if sensing_streams else {}
        self.cap = cp.Parameter(n_eves, nonneg=True, name="jt_eve_cap")
        self.loose: set[str] = set()  # rows that hold for every design within the budgets (see update)

    def margin(self, v, e: int, k: int) -> cp.Expression:
        heard = [lin(p, v.S[i]) for (i, ee), p in self.reach.items() if ee == e]
        heard += [lin(p, v.sensing[b]) for (b, ee), p in self.sense.items() if ee == e and v.sensing[b] is not None]
        own = [lin(p, v.S[i]) for (i, ee), p in self.own.items() if ee == e and self.blocks[i].user == k]
        return cp.sum(heard) + self.cap[e] - cp.sum(own)

    def residuals(self, v):
        return [(f"eavesdropper:{e}:{k}", self.margin(v, e, k)) for e in self.eves for k in self.users]

    def update(self, data) -> None:
        scale = np.sqrt(data.p_ref / data.noise)
        caps = np.array([10 ** (eve.max_sinr_db / 10) for eve in data.network.eavesdroppers])
        rows = row_scale(caps)  # each row divided by max(1, its cap)
        self.cap.value = caps * rows
        reach = {k: np.zeros(len(caps)) for k in self.users}  # the most of user k's data that reaches e
        for e in self.eves:
            for i, blk in enumerate(self.blocks):
                g = np.concatenate([data.channels.eve[b][e] for b in blk.bss]) * scale
                if blk.user in reach:  # a block's power is at most its BSs' budgets
                    reach[blk.user][e] += np.vdot(g, g).real * sum(data.budget(b) for b in blk.bss)
                gg = np.outer(g, g.conj())
                set_functional(self.reach[(i, e)], gg, caps[e] * rows[e])
                if (i, e) in self.own:
                    set_functional(self.own[(i, e)], gg, (1.0 + caps[e]) * rows[e])
            for (b, ee), p in self.sense.items():
                if ee == e:
                    g = data.channels.eve[b][e] * scale
                    set_functional(p, np.outer(g, g.conj()), caps[e] * rows[e])
        self.loose = {f"eavesdropper:{e}:{k}" for e in self.eves for k in self.users if reach[k][e] <= caps[e]}

"""Monostatic sensing SINR floors (SPEC.md 5.2), linear in the covariances, each divided by m_t (as the
subspace path's rows, ``formulation.linear.sensing_sinr_rows``: the signal coefficient stays <= CAP even
at a bisection's lowest levels, where m_t = 1 would make it 1e10 and Clarabel fail):

    L Nr G a^H R_b a / (gamma m_t) - sum_{j != b} u^H G_{b<-j} R_j G_{b<-j}^H u / m_t >= sigma^2 / m_t
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from ..formulation.linear import SENSING_ROW_CAP
from .base import Term, Variables, functional_param, lin, set_functional


class SensingSinrFloor(Term):
    def __init__(self, heads: tuple[int, ...], dims: tuple[int, ...]):
        self.heads = heads
        n_bs = len(dims)
        self.signal = [functional_param(dims[b], f"ssinr_signal_{t}") for t, b in enumerate(heads)]
        self.cross = {(j, t): functional_param(dims[j], f"ssinr_cross_{j}_{t}")
                      for t, b in enumerate(heads) for j in range(n_bs) if j != b and dims[j] > 0}
        self.rhs = [cp.Parameter(nonneg=True, name=f"ssinr_rhs_{t}") for t in range(len(heads))]  # 1 / m_t
        self.gamma: float = 1.0

    def residuals(self, v: Variables) -> list[tuple[str, cp.Expression]]:
        out = []
        for t, b in enumerate(self.heads):
            inter = [lin(self.cross[(j, t)], v.total(j)) for j in range(len(v.dims)) if j != b and v.dims[j] > 0]
            out.append((f"sensing_sinr:{t}", lin(self.signal[t], v.total(b)) - (cp.sum(inter) if inter else 0) - self.rhs[t]))
        return out

    def update(self, data) -> None:
        net, ch = data.network, data.channels
        scale = data.p_ref / data.noise
        for t, b in enumerate(self.heads):
            nr = net.base_stations[b].rx_antennas
            a = data.reduced(b, ch.tx_steering[b][t])
            signal = net.system.samples * nr * ch.radar_gain[b, b, t] * scale
            m = max(1.0, signal / (SENSING_ROW_CAP * self.gamma))
            self.rhs[t].value = 1.0 / m
            set_functional(self.signal[t], np.outer(a, a.conj()), signal / (self.gamma * m))
            u = ch.rx_steering[b][t] / np.sqrt(nr)
            for j in range(net.n_bs):
                if j == b or data.nulls.dof[j] == 0:
                    continue
                g = data.reduced(j, ch.crosslink[b][j].conj().T @ u)  # V_j^H G^H u
                set_functional(self.cross[(j, t)], np.outer(g, g.conj()), scale / m)

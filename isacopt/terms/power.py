"""Per-BS power budget tr(R_b) <= P_b and optional per-antenna power [R_b]_nn <= P_b / Nt."""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term, Variables, functional_param, lin, set_functional


class PowerBudget(Term):
    def __init__(self, n_bs: int):
        self.budget = cp.Parameter(n_bs, nonneg=True, name="power_budget")

    def residuals(self, v: Variables) -> list[tuple[str, cp.Expression]]:
        return [(f"power:{b}", self.budget[b] - v.power(b)) for b in range(len(v.dims)) if v.dims[b] > 0]

    def update(self, data) -> None:
        self.budget.value = np.array([data.budget(b) for b in range(data.network.n_bs)])


class PerAntennaPower(Term):
    """[V Z V^H]_nn = e_n^T V Z V^H e_n: one functional per antenna."""

    def __init__(self, dims: tuple[int, ...], antennas: tuple[int, ...]):
        self.rows = [[functional_param(d, f"antenna_{b}_{n}") for n in range(nt)] if d > 0 else []
                     for b, (d, nt) in enumerate(zip(dims, antennas))]
        self.cap = cp.Parameter(len(dims), nonneg=True, name="antenna_cap")

    def residuals(self, v: Variables) -> list[tuple[str, cp.Expression]]:
        return [(f"antenna:{b}:{n}", self.cap[b] - lin(f, v.total(b))) for b, row in enumerate(self.rows)
                for n, f in enumerate(row) if v.dims[b] > 0]

    def update(self, data) -> None:
        for b, row in enumerate(self.rows):
            v = data.nulls.bases[b]
            for n, f in enumerate(row):
                e = v.conj()[n]  # V^H e_n
                set_functional(f, np.outer(e, e.conj()))
        self.cap.value = np.array([data.budget(b) / bs.tx_antennas for b, bs in enumerate(data.network.base_stations)])

"""Per-user SINR constraints, Type-I or Type-II receivers (SPEC.md section 4).

For user k served by BS b with target Gamma_k, in noise units (h~ of formulation.data):

    (1 + 1/Gamma_k) h~_{b,k}^H W_k h~_{b,k} - sum_j h~_{j,k}^H (R_j - (1 - iota_k) R0_j) h~_{j,k} >= 1

which is SINR_k >= Gamma_k rearranged (the own stream is added to both sides).
The left side minus 1 is the *margin* g_k: (SINR_k/Gamma_k - 1) when noise-limited.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term, Variables, functional_param, lin, set_functional


class SinrConstraints(Term):
    def __init__(self, users: list[int], serving: tuple[int, ...], dims: tuple[int, ...], type2: tuple[bool, ...],
                 interferers: dict[int, list[int]]):
        self.users = users
        self.serving = serving
        self.type2 = type2
        self.interferers = interferers
        self.signal = {k: functional_param(dims[serving[k]], f"sinr_signal_{k}") for k in users}
        self.cross = {(j, k): functional_param(dims[j], f"sinr_cross_{j}_{k}") for k in users for j in interferers[k]}
        self._channels: dict[tuple[int, int], np.ndarray] = {}
        self._targets: dict[int, float] = {}

    def margin(self, v: Variables, k: int) -> cp.Expression:
        """g_k: >= 0 exactly when user k meets its SINR target."""
        terms = [lin(self.signal[k], v.user[k])]
        for j in self.interferers[k]:
            cov = v.comm(j) if self.type2[k] else v.total(j)
            terms.append(-lin(self.cross[(j, k)], cov))
        return cp.sum(terms) - 1

    def residuals(self, v: Variables) -> list[tuple[str, cp.Expression]]:
        return [(f"sinr:{k}", self.margin(v, k)) for k in self.users]

    def update(self, data) -> None:
        for k in self.users:
            for j in self.interferers[k]:
                h = data.user_channel(j, k)
                self._channels[(j, k)] = np.outer(h, h.conj())
                set_functional(self.cross[(j, k)], self._channels[(j, k)])
            self._targets[k] = data.sinr_targets[k]
        self.set_targets(self._targets)

    def current_targets(self) -> dict[int, float]:
        return dict(self._targets)

    def set_targets(self, targets: dict[int, float]) -> None:
        """Assign linear SINR targets (used by the max-min SINR bisection without recompiling)."""
        for k in self.users:
            gamma = targets[k]
            self._targets[k] = gamma
            set_functional(self.signal[k], self._channels[(self.serving[k], k)], 1.0 + 1.0 / gamma)

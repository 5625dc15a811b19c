"""Eavesdroppers (coordinated beamforming): no user's data above ``max_sinr_db`` at any eavesdropper.

For user k served by BS b and eavesdropper e with cap gamma_e, in noise units (g~ of formulation.data),
SINR_{e,k} <= gamma_e rearranged (the own stream added to both sides):

    gamma_e (sum_j g~_{j,e}^H R_j g~_{j,e} + 1) - (1 + gamma_e) g~_{b,e}^H W_k g~_{b,e} >= 0

divided by max(1, gamma_e) (the row's scale: :func:`row_scale`), linear in the covariances: every other
stream and every sensing covariance R0_j count at the eavesdropper as interference, so the sensing signal
doubles as artificial noise.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term, Variables, functional_param, lin, set_functional


class EavesdropperCaps(Term):
    def __init__(self, n_eves: int, serving: tuple[int, ...], dims: tuple[int, ...]):
        self.eves = range(n_eves)
        self.users = [k for k, b in enumerate(serving) if b >= 0 and dims[b] > 0]
        self.serving = serving
        self.active = [j for j, d in enumerate(dims) if d > 0]
        self.reach = {(j, e): functional_param(dims[j], f"eve_all_{j}_{e}") for e in self.eves for j in self.active}
        self.own = {(k, e): functional_param(dims[serving[k]], f"eve_own_{k}_{e}") for e in self.eves
                    for k in self.users}
        self.cap = cp.Parameter(n_eves, nonneg=True, name="eve_cap")
        self.loose: set[str] = set()  # rows that hold for every design within the budgets (see update)

    def margin(self, v: Variables, e: int, k: int) -> cp.Expression:
        """>= 0 exactly when user k's data stays at or below the cap at eavesdropper e."""
        heard = [lin(self.reach[(j, e)], v.total(j)) for j in self.active]
        return cp.sum(heard) + self.cap[e] - lin(self.own[(k, e)], v.user[k])

    def residuals(self, v: Variables) -> list[tuple[str, cp.Expression]]:
        return [(f"eavesdropper:{e}:{k}", self.margin(v, e, k)) for e in self.eves for k in self.users]

    def update(self, data) -> None:
        caps = np.array([10 ** (eve.max_sinr_db / 10) for eve in data.network.eavesdroppers])
        scale = row_scale(caps)
        self.cap.value = caps * scale
        loose: set[str] = set()
        for e in self.eves:
            for j in self.active:
                g = data.eve_channel(j, e)
                set_functional(self.reach[(j, e)], np.outer(g, g.conj()), caps[e] * scale[e])
            for k in self.users:
                g = data.eve_channel(self.serving[k], e)
                set_functional(self.own[(k, e)], np.outer(g, g.conj()), (1.0 + caps[e]) * scale[e])
                # user k's data reaches e with at most budget x |g~|^2 (noise units), its SINR there no more
                if data.budget(self.serving[k]) * np.vdot(g, g).real <= caps[e]:
                    loose.add(f"eavesdropper:{e}:{k}")
        self.loose = loose


def row_scale(caps: np.ndarray) -> np.ndarray:
    """1 / max(1, gamma_e): each row divided by its cap when the cap is above 1, so its coefficients stay of
    the order of the channels whatever the cap (a loose 80 dB cap multiplied them by 1e8: Clarabel then
    ended the reference SDP "inaccurate", or failed with a beampattern cap as loose beside it)."""
    return 1.0 / np.maximum(caps, 1.0)

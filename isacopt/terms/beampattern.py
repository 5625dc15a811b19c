"""Beampattern gain of each target's sensing BS, a^H R_b a (SPEC.md 5.1), and its floor."""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term, Variables, functional_param, lin, set_functional


class Beampattern(Term):
    """Expressions g_t (units of p_ref); with ``floor`` set, the constraints g_t >= floor_t."""

    def __init__(self, heads: tuple[int, ...], dims: tuple[int, ...], with_floor: bool):
        self.heads = heads
        self.steer = [functional_param(dims[b], f"beampattern_{t}") for t, b in enumerate(heads)]
        self.floor = cp.Parameter(len(heads), nonneg=True, name="beampattern_floor") if with_floor and heads else None
        self.floor_w: np.ndarray | None = None

    def gain(self, v: Variables, t: int) -> cp.Expression:
        return lin(self.steer[t], v.total(self.heads[t]))

    def residuals(self, v: Variables) -> list[tuple[str, cp.Expression]]:
        if self.floor is None:
            return []
        return [(f"beampattern:{t}", self.gain(v, t) - self.floor[t]) for t in range(len(self.heads))]

    def update(self, data) -> None:
        for t, b in enumerate(self.heads):
            a = data.reduced(b, data.channels.tx_steering[b][t])
            set_functional(self.steer[t], np.outer(a, a.conj()))
        if self.floor is not None:
            self.floor.value = np.asarray(self.floor_w, dtype=float) / data.p_ref

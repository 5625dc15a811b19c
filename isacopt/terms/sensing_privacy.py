"""Sensing privacy: every BS's transmit beampattern gain toward an eavesdropper's direction,
a_b(phi_be)^H R_b a_b(phi_be), at most the eavesdropper's ``max_beampattern_w``. What a passive receiver
can learn of the targets from the network's own illumination (a reference for its bistatic radar) grows
with how strongly it is illuminated; the cap is linear in the covariances, in either family's variables
(``total(b)`` in the coordinates of the BS's block)."""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term, functional_param, lin, set_functional


class SensingPrivacy(Term):
    def __init__(self, eves: tuple[int, ...], dims: tuple[int, ...]):
        self.eves = eves
        self.active = [b for b, d in enumerate(dims) if d > 0]
        self.steer = {(b, e): functional_param(dims[b], f"privacy_{b}_{e}") for e in eves for b in self.active}
        self.cap = cp.Parameter(len(eves), nonneg=True, name="privacy_cap")

    def residuals(self, v):
        return [(f"privacy:{e}:{b}", self.cap[i] - lin(self.steer[(b, e)], v.total(b)))
                for i, e in enumerate(self.eves) for b in self.active]

    def update(self, data) -> None:
        self.cap.value = np.array([data.network.eavesdroppers[e].max_beampattern_w for e in self.eves]) / data.p_ref
        for (b, e), p in self.steer.items():
            a = data.reduced(b, data.channels.eve_steering[b][e])
            set_functional(p, np.outer(a, a.conj()))

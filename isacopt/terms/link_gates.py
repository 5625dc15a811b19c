"""Switches for the cooperation links of a problem compiled once for every candidate link.

A cluster search solves the same cooperative SDP for many choices of links. Compiled for the
union of the candidates (every user's block reaches all its candidate BSs), a choice is data:
the part of a user's block at a BS outside its chosen cluster gets a cap of ``CLOSED_CAP`` times
the budget (with the block PSD, that part and its coupling to the rest of the block are then
negligible) and no channel to any user, which is the problem compiled for the choice alone up to
that power. A chosen part gets a cap no design within the budgets reaches, so it never binds.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from .base import Term

OPEN_CAP = 10.0  # x the BS's budget: never reached by a design within the budgets
# x the BS's budget: a closed part's cap. Zero would leave the SDP without an interior point (Clarabel then
# stops at reduced accuracy or fails); this much power reaches no user (terms.jt_sinr zeroes its channels)
# and moves a CRLB by about as little, and the extracted design leaves it out
CLOSED_CAP = 1e-7


class LinkGates(Term):
    def __init__(self, blocks):
        self.parts = [(i, blk.user, b) for i, blk in enumerate(blocks) for b in blk.bss]
        self.cap = cp.Parameter(len(self.parts), nonneg=True, name="link_cap")

    def structural(self, v) -> list[cp.Constraint]:
        """``v``: the cooperative variables (``part_power(i, b)``: the power of block i at BS b)."""
        return [v.part_power(i, b) <= self.cap[n] for n, (i, _, b) in enumerate(self.parts)]

    def switch(self, data, serving: tuple[tuple[int, ...], ...]) -> None:
        """Open the parts whose BS is in the user's chosen cluster ``serving[k]``, close the others."""
        self.cap.value = np.array([OPEN_CAP * data.budget(b) if b in serving[k] else CLOSED_CAP * data.budget(b) for _, k, b in self.parts])

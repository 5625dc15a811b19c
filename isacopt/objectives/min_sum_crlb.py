"""Minimise the sum of the targets' position CRLBs tr(J_t^-1) [m^2] (distributed MIMO radar)."""

import cvxpy as cp
import numpy as np

from .position_crlb import PositionCrlbObjective


class MinSumCrlb(PositionCrlbObjective):
    name = "min_sum_crlb"
    description = "sum of the targets' position CRLBs"
    linear_form = "position_crlb"  # on the subspace path: tr J^-1 as two Schur-complement cones per target

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(np.sum(ev.position_crlb))

    @classmethod
    def expression(cls, compiled):
        crlb = compiled.terms["crlb"]
        return cp.Minimize(cp.sum([crlb.crlb(t) for t in range(len(crlb.x))])), []

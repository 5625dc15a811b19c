"""Minimise the largest position CRLB over the targets [m^2]."""

import cvxpy as cp
import numpy as np

from .position_crlb import PositionCrlbObjective


class MinMaxCrlb(PositionCrlbObjective):
    name = "min_max_crlb"
    description = "largest position CRLB over the targets"
    linear_form = "max_crlb"  # on the subspace path: the largest of the targets' sums of inverse levels

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(np.max(ev.position_crlb))

    @classmethod
    def expression(cls, compiled):
        crlb = compiled.terms["crlb"]
        s = cp.Variable(name="max_crlb")  # the epigraph level
        return cp.Minimize(s), [crlb.crlb(t) <= s for t in range(len(crlb.x))]

"""Minimise the sum (or the largest) of the targets' monostatic angle CRBs at their sensing heads [rad^2]."""

import cvxpy as cp
import numpy as np

from .base import Objective


class MinAngleCrb(Objective):
    name = "min_angle_crb"
    unit = "rad^2"
    needs = "targets"
    description = "angle CRB at the sensing heads (sum or largest, as crb says)"
    empty_part_bound = 0.0
    angle_crb = True
    linear_form = "angle_crb"  # on the subspace path: each Schur complement a second-order cone of rows

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        crbs = [ev.angle_crb[b, t] for t, b in enumerate(data.sensing)]
        return float(sum(crbs) if opts.crb == "sum" else max(crbs))

    @classmethod
    def combine_bounds(cls, opts, bounds):
        if any(b is None for b in bounds):
            return None
        return float(sum(bounds) if opts.crb == "sum" else max(bounds))

    @classmethod
    def expression(cls, compiled):
        crb = compiled.terms["crb"]
        if compiled.opts.crb == "sum":
            return cp.Minimize(crb.sum_objective()), []
        u = cp.Variable(nonneg=True, name="crb_level")
        return cp.Maximize(u), [crb.tau >= cp.multiply(crb.weights, u)]

    @classmethod
    def bound_si(cls, compiled, data, value):
        ref = compiled.terms["crb"].crb_ref
        return ref * float(value) if compiled.opts.crb == "sum" else (ref / float(value) if value > 0 else np.inf)

"""Minimise the sum (or the largest) of the targets' monostatic angle CRBs at their sensing heads [rad^2]."""

import cvxpy as cp
import numpy as np

from .base import Objective

# a level below this is solved again in its own unit (its error is about 1e-8 / u relative: 1e-5 here)
TINY_LEVEL = 1e-3


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
        compiled.crb_level = u
        return cp.Maximize(u), [crb.tau >= cp.multiply(crb.weights, u)]

    @classmethod
    def rescaled(cls, compiled) -> bool:
        """The largest CRB's level u = ref / CRB_max is tiny where a target gets almost no power (1e-6 on a
        19-cell snapshot): Clarabel's absolute tolerances (1e-8) then leave u, and the dual bound, wrong by up
        to 1 % while it reports optimal. Weights times u and ref over u are the same problem (CRB = ref w / F)
        with a level near 1."""
        level = getattr(compiled, "crb_level", None)
        u = None if level is None else level.value
        if u is None or not 0 < float(u) < TINY_LEVEL:
            return False
        crb = compiled.terms["crb"]
        crb.weights.value = crb.weights.value * float(u)
        crb.crb_ref /= float(u)
        return True

    @classmethod
    def bound_si(cls, compiled, data, value):
        ref = compiled.terms["crb"].crb_ref
        return ref * float(value) if compiled.opts.crb == "sum" else (ref / float(value) if value > 0 else np.inf)

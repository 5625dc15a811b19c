"""Minimise the sum (or the largest) of the targets' monostatic angle CRBs at their sensing heads [rad^2]."""

from .base import Objective


class MinAngleCrb(Objective):
    name = "min_angle_crb"
    unit = "rad^2"
    needs = "targets"
    description = "angle CRB at the sensing heads (sum or largest, as crb says)"

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        crbs = [ev.angle_crb[b, t] for t, b in enumerate(data.sensing)]
        return float(sum(crbs) if opts.crb == "sum" else max(crbs))

    @classmethod
    def combine_bounds(cls, opts, bounds):
        if any(b is None for b in bounds):
            return None
        return float(sum(bounds) if opts.crb == "sum" else max(bounds))

"""Maximise the worst target's transmit beampattern gain a^H R_b a at its sensing head [W toward the target]."""

import cvxpy as cp

from .base import Objective


class MaxMinBeampattern(Objective):
    name = "max_min_beampattern"
    unit = "W"
    maximise = True
    needs = "targets"
    description = "worst target's beampattern gain a^H R a, W toward the target, not a transmit power"
    empty_part_bound = float("inf")
    linear_form = "max_t"

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(min(ev.gains[b, t] for t, b in enumerate(data.sensing)))

    @classmethod
    def expression(cls, compiled):
        t = cp.Variable(name="min_gain")
        beam = compiled.terms["beampattern"]
        return cp.Maximize(t), [beam.gain(compiled.vars, i) >= t for i in range(len(compiled.structure.sensing))]

    @classmethod
    def bound_si(cls, compiled, data, value):
        return float(value) * data.p_ref

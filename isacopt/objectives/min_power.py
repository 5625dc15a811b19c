"""Minimise the total transmit power sum_b tr(R_b) [W] under the problem's constraints (both families)."""

import cvxpy as cp

from .base import Objective


class MinPower(Objective):
    name = "min_power"
    unit = "W"
    description = "total transmit power"
    linear_form = "min_power"
    socp = True

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(design.power_w.sum())

    @classmethod
    def combine_bounds(cls, opts, bounds):
        return None if any(b is None for b in bounds) else float(sum(bounds))

    @classmethod
    def expression(cls, compiled):
        v = compiled.vars
        return cp.Minimize(cp.sum([v.power(b) for b in range(compiled.n_bs)])), []

    @classmethod
    def bound_si(cls, compiled, data, value):
        return float(value) * data.p_ref

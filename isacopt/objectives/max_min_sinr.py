"""Maximise the worst served user's SINR [dB] (a common level, by bisection on certified feasibility problems)."""

from ..units import linear_to_db
from .base import Objective
from .min_power import MinPower


class MaxMinSinr(Objective):
    name = "max_min_sinr"
    unit = "dB"
    maximise = True
    needs = "users"
    description = "worst user's SINR"
    bisection = True
    hard_sinr_targets = False  # the SINRs are the objective itself
    empty_part_bound = float("inf")
    linear_form = "min_power"  # each bisection step's rows (the subspace path makes it a margin problem)

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(linear_to_db(min(ev.sinr[k] for k, b in enumerate(data.serving) if b >= 0)))

    @classmethod
    def expression(cls, compiled):
        # each bisection step of the cvxpy path: the least power that meets the common level (feasibility)
        return MinPower.expression(compiled)

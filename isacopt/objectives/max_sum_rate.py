"""Maximise the sum rate [bit/s/Hz] by successive convex approximation (a local optimum)."""

import numpy as np

from .base import Objective


class MaxSumRate(Objective):
    name = "max_sum_rate"
    unit = "bit/s/Hz"
    maximise = True
    needs = "users"
    description = "sum of the users' rates (a local optimum)"
    local = True
    search_refusal = "is solved to a local optimum only; a search needs sub-problems solved to optimality"

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(np.sum(np.log2(1 + ev.sinr)))

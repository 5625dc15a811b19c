"""Maximise the sum rate [bit/s/Hz] by successive convex approximation (a local optimum)."""

from .base import Objective


class MaxSumRate(Objective):
    name = "max_sum_rate"
    unit = "bit/s/Hz"
    maximise = True
    needs = "users"
    description = "sum of the users' rates (a local optimum)"

"""Maximise the worst served user's SINR [dB] (a common level, by bisection on certified feasibility problems)."""

from .base import Objective


class MaxMinSinr(Objective):
    name = "max_min_sinr"
    unit = "dB"
    maximise = True
    needs = "users"
    description = "worst user's SINR"

"""Maximise the worst user's rate log2(1 + SINR) [bit/s/Hz] (certified bisection on a common SINR level)."""

import numpy as np

from .base import Objective


class MaxMinRate(Objective):
    name = "max_min_rate"
    unit = "bit/s/Hz"
    maximise = True
    needs = "users"
    description = "worst user's rate"
    bisection = True

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(np.min(np.log2(1 + ev.sinr)))

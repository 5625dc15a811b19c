"""Minimise the sum of the targets' position CRLBs tr(J_t^-1) [m^2] (distributed MIMO radar)."""

import numpy as np

from .base import Objective


class MinSumCrlb(Objective):
    name = "min_sum_crlb"
    unit = "m^2"
    needs = "targets"
    crlb = True
    description = "sum of the targets' position CRLBs"

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(np.sum(ev.position_crlb))

"""Minimise the sum of the targets' position CRLBs tr(J_t^-1) [m^2] (distributed MIMO radar)."""

from .base import Objective


class MinSumCrlb(Objective):
    name = "min_sum_crlb"
    unit = "m^2"
    needs = "targets"
    crlb = True
    description = "sum of the targets' position CRLBs"

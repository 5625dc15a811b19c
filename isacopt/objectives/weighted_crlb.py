"""Cooperative ISAC's weighted objective: sum_t w_t CRLB_t + power weight * total power [m^2], minimised."""

from .base import Objective


class WeightedCrlb(Objective):
    name = "weighted"
    unit = "m^2"
    needs = "targets"
    crlb = True
    description = "weighted sum of position CRLBs plus weighted power"

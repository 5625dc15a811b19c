"""Cooperative ISAC's weighted objective: sum_t w_t CRLB_t + power weight * total power [m^2], minimised."""

from .base import Objective


class WeightedCrlb(Objective):
    name = "weighted"
    unit = "m^2"
    needs = "targets"
    crlb = True
    description = "weighted sum of position CRLBs plus weighted power"

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        w = opts._weights(data.network)
        return float(w @ ev.position_crlb + opts.power_weight_m2_per_w * design.power_w.sum())

"""Cooperative ISAC's weighted objective: sum_t w_t CRLB_t + power weight * total power [m^2], minimised."""

import cvxpy as cp
import numpy as np

from .position_crlb import PositionCrlbObjective


class WeightedCrlb(PositionCrlbObjective):
    name = "weighted"
    description = "weighted sum of position CRLBs plus weighted power"
    linear_form = "weighted_crlb"  # on the subspace path: the CRLB cones, weighted, and a price on every block

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        w = opts._weights(data.network)
        return float(w @ ev.position_crlb + opts.power_weight_m2_per_w * design.power_w.sum())

    @classmethod
    def expression(cls, compiled):
        crlb, v = compiled.terms["crlb"], compiled.vars
        n_targets = len(crlb.x)
        compiled.crlb_weight = cp.Parameter(n_targets, nonneg=True, name="crlb_weight")
        compiled.power_weight = cp.Parameter(nonneg=True, name="power_weight")
        # weight_t * (j_ref / j_t) in one Parameter: a product of two Parameters would not be DPP
        total = cp.sum([compiled.crlb_weight[t] * cp.trace(crlb.x[t]) for t in range(n_targets)])
        power = cp.sum([v.power(b) for b in range(compiled.n_bs)])
        return cp.Minimize(total + compiled.power_weight * power), []

    @classmethod
    def update(cls, compiled, data) -> None:
        """The weights in SI (m^2 per m^2, m^2 per W) mapped to the solver units of the CRLBs and the powers
        (after the CRLB term's update: the per-target scales come from the data)."""
        opts, crlb = compiled.opts, compiled.terms["crlb"]
        compiled.crlb_weight.value = np.asarray(opts._weights(data.network), float) * crlb.rel.value
        compiled.power_weight.value = opts.power_weight_m2_per_w * crlb.j_ref * data.p_ref

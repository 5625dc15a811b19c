"""Maximise the worst probed target's sensing SINR [dB] (SPEC.md 5.2, interference aware) under the users'
SINR targets: quasi-convex, solved by bisection on certified feasibility problems (SPEC.md section 10)."""

from ..units import linear_to_db
from .base import Objective
from .min_power import MinPower


class MaxMinSensingSinr(Objective):
    name = "max_min_sensing_sinr"
    unit = "dB"
    maximise = True
    needs = "targets"
    description = "worst probed target's monostatic sensing SINR at its sensing BS (cross-BS interference counted)"
    # for a level t the floor L Nr G a^H R_b a >= t (sum_j u^H G R_j G^H u + sigma^2) is linear in the
    # covariances: each bisection step is a feasibility SDP (the cvxpy path: the least power that meets it;
    # the subspace path: the largest common margin, formulation.level_margin)
    sensing_level = True
    linear_form = "min_power"  # each bisection step's rows on the subspace path (made a margin problem there)
    empty_part_bound = float("inf")

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(linear_to_db(min(ev.sensing_sinr[b, t] for t, b in enumerate(data.sensing))))

    @classmethod
    def expression(cls, compiled):
        return MinPower.expression(compiled)

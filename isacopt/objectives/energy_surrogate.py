"""Sub-problems of the energy-efficiency search (not problem-file objectives). With a price mu on the
transmit power (Dinkelbach's parameter lambda in solver units, mu = lambda ln2 p_ref / (B eta)):

- ``EnergySurrogate``: the sum-rate surrogate of ``RateSurrogate`` (a concave minorant of the rates,
  tight at the linearisation point) minus mu sum_b tr(R_b): one step of SCA-Dinkelbach;
- ``EnergyBound``: sum_k log(1 + S_k) minus the same price, S_k the useful power alone. Since
  log(1 + S / (1 + I)) <= log(1 + S), its Dinkelbach fixed point bounds the energy efficiency of
  every design of the relaxation (and of every beamformer)."""

import cvxpy as cp

from .base import Objective
from .rate_surrogate import RateSurrogate, user_powers


def _price(compiled):
    compiled.ee_price = cp.Parameter(nonneg=True, name="ee_price")
    return compiled.ee_price * cp.sum([compiled.vars.power(b) for b in range(compiled.n_bs)])


class EnergySurrogate(RateSurrogate):
    name = "ee_sca"
    description = "surrogate sum rate minus the priced transmit power"

    @classmethod
    def expression(cls, compiled):
        goal, rows = RateSurrogate.expression(compiled)
        return cp.Maximize(goal.args[0] - _price(compiled)), rows


class EnergyBound(Objective):
    name = "ee_bound"
    unit = "nat/s/Hz"
    maximise = True
    description = "interference-free sum rate minus the priced transmit power"

    @classmethod
    def expression(cls, compiled):
        received, interference = user_powers(compiled, compiled.all_users)
        # one vector log over every user (per-user logs made cvxpy's DPP compilation 5x dearer: 18 s and
        # 10 GB for 19 BSs and 11 users in CoMP pairs)
        return cp.Maximize(cp.sum(cp.log(1 + received - interference)) - _price(compiled)), []

    @classmethod
    def bound_si(cls, compiled, data, value):
        return None  # its fixed point is the bound; the energy search computes it

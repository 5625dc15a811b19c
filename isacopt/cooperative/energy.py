"""max_energy_efficiency: EE = B sum_k r_k / D, D = sum_b tr(R_b) / eta + P_c (SPEC.md 8), under the
problem's SINR or rate floors, CRLB limits, split and backhaul.

Dinkelbach's method turns the ratio into a sequence of subtractive problems max N - lambda D, with
lambda the last design's EE. The rates are not concave in the covariances (interference), so each
step maximises the sum-rate surrogate of ``max_sum_rate`` (a concave minorant of N, tight at the
current point) minus the priced power. The new design's surrogate objective is at least the current
point's, 0, so its true EE is at least lambda: the EE climbs monotonically to a stationary point
(``local_optimum``).

The bound: log(1 + S/(1 + I)) <= log(1 + S) with S the useful power alone, so Dinkelbach on the
interference-free rates (concave: every step a convex problem, the fixed point its global optimum)
bounds the EE of every design. For any design N - lambda D <= F(lambda), the last step's optimum,
so EE <= lambda + F(lambda) / P_c. Where interference vanishes at the optimum (one user, users apart,
Type-II receivers without data interference) the bound meets the design and the answer is certified
``optimal``.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..errors import ValidationError
from ..objectives.energy_surrogate import EnergyBound, EnergySurrogate
from ..solve.runner import DEFAULT_CHAIN
from . import fast_path
from .finish import finish
from .rates import CLARABEL_ONLY, linearise, set_rate_caps
from .sca_fast import CERTIFIED_GAP, at_the_cap, dinkelbach_bound, dinkelbach_done, energy_fast, promoted


def max_energy_efficiency(opts, data, assoc, time_limit_s, t0):
    net = data.network
    users = tuple(range(net.n_users))
    sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
    bandwidth, eta = net.system.bandwidth_hz, net.system.pa_efficiency
    circuit = float(sum(b.circuit_power_w for b in net.base_stations))
    if circuit <= 0 and not sinr_users:
        raise ValidationError([("base_stations[].circuit_power_w", "max_energy_efficiency without circuit power "
                                "and without SINR floors has no maximiser (the EE grows as the transmit power "
                                "falls to zero): give the BSs a circuit_power_w > 0 or the users a sinr_db / "
                                "rate_bps_hz floor")])
    records: list = []
    if fast_path.why_not(opts, net) is None:
        fast = energy_fast(opts, data, assoc, time_limit_s, t0, records)
        if fast is not None:
            return fast
        if time_limit_s is not None:  # what is left of the limit for the cvxpy SDP
            time_limit_s = max(time_limit_s - (time.perf_counter() - t0), 1e-3)
    # lambda [bit/J] -> the price of one solver unit of power in the nat-valued surrogate
    price = math.log(2) * data.p_ref / (bandwidth * eta)

    def consumed(compiled) -> float:
        p = sum(float(compiled.vars.power(b).value) for b in range(net.n_bs)) * data.p_ref
        return max(p, 0.0) / eta + circuit

    def powers(compiled) -> tuple[np.ndarray, np.ndarray]:
        received = np.maximum(compiled.user_powers[0].value, 0.0)
        return received, np.minimum(np.maximum(compiled.user_powers[1].value, 0.0), received)

    compiled, recompiled = opts.compiled(data, assoc, EnergySurrogate, sinr_users, all_users=users)
    set_rate_caps(opts, data, assoc, compiled)
    received, interference = np.zeros(len(users)), np.zeros(len(users))
    lam, history, stopped = 0.0, [], ""
    for it in range(opts.sca_iterations):
        linearise(compiled, received, interference)
        compiled.ee_price.value = lam * price
        outcome = opts.run_chain(compiled, CLARABEL_ONLY if it else DEFAULT_CHAIN, time_limit_s, records)
        if outcome != "solved":
            if it == 0 or outcome == "time_limit":
                return opts.failed(outcome, data, compiled, records, t0, recompiled)
            stopped = f" (step {it + 1} did not solve: the last solved point stands)"
            break
        received, interference = powers(compiled)
        rates = np.log2(1 + (received - interference) / (1 + interference))
        spent = consumed(compiled)
        if spent <= 0:  # nothing transmitted and nothing consumed: the last positive point stands
            stopped = " (a step transmitted nothing: the last positive point stands)"
            break
        ee = bandwidth * float(rates.sum()) / spent
        history.append(ee)
        if dinkelbach_done(opts, ee, lam):
            break
        lam = ee
    else:
        stopped = at_the_cap(opts, history)
    # the design is extracted from the last SCA point, which the bound's solves below do not touch
    bound, bound_note = energy_bound(opts, data, assoc, sinr_users, users, lam, price, circuit, time_limit_s,
                                     records)
    note = (f"Dinkelbach over successive convex approximations: {len(history)} SDPs{stopped}, relaxation EE "
            f"{history[-1]:.8g} bit/J; {bound_note}")
    solution = finish(opts, data, assoc, compiled, records, t0, recompiled, bound=bound, local=True, note=note)
    return promoted(solution, bound, compiled.accurate)


def energy_bound(opts, data, assoc, sinr_users, users, lam, price, circuit, time_limit_s, records):
    """(upper bound on the EE or None, a note): Dinkelbach on the interference-free rates from ``lam``."""
    net = data.network
    if circuit <= 0:
        return None, "no bound: without circuit power the bound's division by P_c is undefined"
    compiled, _ = opts.compiled(data, assoc, EnergyBound, sinr_users, all_users=users)
    v = compiled.vars

    def solved_at(level: float):
        compiled.ee_price.value = level * price
        # a bound needs an accurate optimum: an "inaccurate" attempt hands over to the next (tighter) one
        if (opts.run_chain(compiled, CLARABEL_ONLY, time_limit_s, records, accept_inaccurate=False) != "solved"
                or not compiled.accurate):
            return None
        # F(lambda) = max B sum log2(1 + S_k) - lambda D, from the solver's optimum (nats, priced power): the
        # solver's primal value; the dual's, which bounds F, is within Clarabel's duality-gap tolerance of it
        received, interference = (e.value for e in compiled.user_powers)
        power = sum(float(v.power(b).value) for b in range(net.n_bs)) * data.p_ref
        return float(compiled.problem.value), (np.maximum(received - interference, 0.0), power)

    best = dinkelbach_bound(opts, net, lam, circuit, solved_at)
    if not math.isfinite(best):
        return None, "no bound: a bound step did not solve accurately"
    return best, f"bound {best:.6g} bit/J (Dinkelbach on the interference-free rates)"


__all__ = ["CERTIFIED_GAP", "energy_bound", "max_energy_efficiency"]

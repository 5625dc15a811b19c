"""``max_sum_rate`` and ``max_energy_efficiency`` on the subspace path (``relaxation='auto'``), no cvxpy.

The same successive convex approximation (and Dinkelbach's method over it) as ``rates.max_sum_rate`` and
``energy.max_energy_efficiency``, step for step: each surrogate is ``rate_form.rate_surrogate_sdp`` solved by
the subspace loop, which certifies the step's optimum with its dual bound (exponential cones for the logs,
solve.log_levels), and the next linearisation point is the step's received and interference powers. Each
step starts from the bases the last one ended with. The design is extracted and certified as on the cvxpy
path. Whatever the loop does not settle (a first step that is not certified, a design whose certificate
fails, a backhaul rate cap that may bind) goes to the cvxpy path (None is returned; ``records`` say why).
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..results import Solution
from ..solve.restricted import BlockTerms
from ..solve.runner import SolveRecord
from ..solve.subspace import row_values
from .fast_path import certified_solve, design_of_result, solution
from .rate_form import binding_rate_caps, rate_surrogate_sdp, user_powers

CERTIFIED_GAP = 1e-4  # as energy.CERTIFIED_GAP: a bound this close to the design's EE certifies it optimal
SOLVER_GAP = 1e-8  # as energy.SOLVER_GAP
# a step whose gap is certified but whose rows Clarabel met only to this (seen: 2.9e-6 on a root-CRLB limit of the
# energy-efficiency file) is still a point to linearise at: the design extracted at the end is certified on its own
STEP_FEAS = 1e-4


def usable(res) -> bool:
    """A certified step, or one certified but for rows met to ``STEP_FEAS`` only."""
    return res.status == "optimal" or (res.status == "solver_error" and bool(res.matrices) and res.gap <= 1e-6
                                       and res.violation <= STEP_FEAS)


def _powers(sdp, res) -> tuple[np.ndarray, np.ndarray]:
    return user_powers(sdp, row_values(sdp, BlockTerms.group(sdp), res.matrices))


def sum_rate_fast(opts, data, assoc, time_limit_s: float | None, t0: float,
                  records: list[SolveRecord]) -> Solution | None:
    if binding_rate_caps(opts, data, assoc):
        return None
    n = data.network.n_users
    received, interference = np.zeros(n), np.zeros(n)
    history: list[float] = []
    kept = None
    for it in range(opts.sca_iterations):
        sdp = rate_surrogate_sdp(opts, data, assoc, 1.0 / (1.0 + interference), near=received)
        res = certified_solve(sdp, data, time_limit_s, t0, records, start=kept[1].bases if kept else None)
        if not usable(res):
            if it == 0 or res.status == "time_limit":
                return None
            break  # keep the last certified surrogate point
        kept = (sdp, res)
        received, interference = _powers(sdp, res)
        history.append(float(np.sum(np.log2(1 + (received - interference) / (1 + interference)))))
        if it and history[-1] - history[-2] <= 1e-5 * max(1.0, abs(history[-1])):
            break
    te = time.perf_counter()
    found = design_of_result(opts, data, assoc, *kept, None)
    if not found[1].holds:
        records.append(_failed(found))
        return None
    note = (f"successive convex approximation: {len(history)} surrogate problems on subspaces, relaxation sum "
            f"rate {history[-1]:.8g}")
    return solution(opts, data, found, None, records, t0, te, note, local=True)


def energy_fast(opts, data, assoc, time_limit_s: float | None, t0: float,
                records: list[SolveRecord]) -> Solution | None:
    """Dinkelbach over SCA steps as ``energy.max_energy_efficiency`` (its checks of the circuit power ran)."""
    if binding_rate_caps(opts, data, assoc):
        return None
    net = data.network
    bandwidth, eta = net.system.bandwidth_hz, net.system.pa_efficiency
    circuit = float(sum(b.circuit_power_w for b in net.base_stations))
    price = math.log(2) * data.p_ref / (bandwidth * eta)  # lambda [bit/J] -> nats per solver unit of power
    n = net.n_users
    received, interference = np.zeros(n), np.zeros(n)
    lam, history, stopped, kept = 0.0, [], "", None
    for it in range(opts.sca_iterations):
        sdp = rate_surrogate_sdp(opts, data, assoc, 1.0 / (1.0 + interference), price=lam * price,
                                 near=received)
        res = certified_solve(sdp, data, time_limit_s, t0, records, start=kept[1].bases if kept else None)
        if not usable(res):
            if it == 0 or res.status == "time_limit":
                return None
            stopped = f" (step {it + 1} was not certified: the last certified point stands)"
            break
        received, interference = _powers(sdp, res)
        interference = np.minimum(interference, received)
        spent = max(sdp.power_of(res.matrices) * data.p_ref, 0.0) / eta + circuit
        if spent <= 0:
            if kept is None:
                return None
            stopped = " (a step transmitted nothing: the last positive point stands)"
            break
        kept = (sdp, res)
        ee = bandwidth * float(np.log2(1 + (received - interference) / (1 + interference)).sum()) / spent
        history.append(ee)
        if ee - lam <= opts.dinkelbach_tol * max(ee, 1e-300):
            break
        lam = ee
    else:
        stopped = (f" (stopped at sca_iterations = {opts.sca_iterations}, the last step still gaining "
                   f"{history[-1] / history[-2] - 1 if len(history) > 1 else 1:.1e})")
    bound, bound_note = energy_bound_fast(opts, data, assoc, lam, price, circuit, time_limit_s, t0, records)
    te = time.perf_counter()
    found = design_of_result(opts, data, assoc, *kept, bound)
    if not found[1].holds:
        records.append(_failed(found))
        return None
    note = (f"Dinkelbach over successive convex approximations: {len(history)} problems on subspaces{stopped}, "
            f"relaxation EE {history[-1]:.8g} bit/J; {bound_note}")
    out = solution(opts, data, found, bound, records, t0, te, note, local=True)
    if bound is not None and out.objective is not None and bound - out.objective <= CERTIFIED_GAP * abs(bound):
        out = out.model_copy(update={"status": "optimal"})
    return out


def energy_bound_fast(opts, data, assoc, lam: float, price: float, circuit: float, time_limit_s: float | None,
                      t0: float, records: list[SolveRecord]) -> tuple[float | None, str]:
    """``energy.energy_bound`` with each step certified by the subspace loop: the certified bound F(lambda) of
    max sum_k log(1 + S_k) - lambda D gives EE <= lambda + F(lambda) / P_c for every design."""
    if circuit <= 0:
        return None, "no bound: without circuit power the bound's division by P_c is undefined"
    net = data.network
    bandwidth, eta = net.system.bandwidth_hz, net.system.pa_efficiency
    best, bases, useful = math.inf, None, None  # every lambda gives a valid bound; the smallest is kept
    for _ in range(opts.sca_iterations):
        sdp = rate_surrogate_sdp(opts, data, assoc, None, price=lam * price, near=useful)
        res = certified_solve(sdp, data, time_limit_s, t0, records, start=bases)
        if res.status != "optimal" or not np.isfinite(res.bound):
            break
        bases = res.bases
        # F(lambda) in bit/J from the certified bound in nats (priced power included): F < 0 means every design
        # has EE < lambda. Padded as on the cvxpy path: the bound covers designs within the budgets, and an
        # extracted design may use its budget to the solver's feasibility tolerance (seen: 5e-9 above the bound)
        f = bandwidth / math.log(2) * (res.bound + SOLVER_GAP * (1 + abs(res.bound))) - lam * circuit
        best = min(best, lam + max(f, 0.0) / circuit)
        useful, _ = _powers(sdp, res)
        p = max(sdp.power_of(res.matrices) * data.p_ref, 0.0)
        ratio = bandwidth * float(np.log2(1 + useful).sum()) / (p / eta + circuit)
        if ratio - lam <= opts.dinkelbach_tol * max(ratio, 1e-300):
            break
        lam = ratio
    if not math.isfinite(best):
        return None, "no bound: a bound step was not certified"
    return best, f"bound {best:.6g} bit/J (Dinkelbach on the interference-free rates, certified steps)"


def _failed(found) -> SolveRecord:
    return SolveRecord("subspace", "error", 0.0, 0.0,  # type: ignore[arg-type]
                       f"the extracted design's certificate failed ({found[1].worst_constraint})")


__all__ = ["energy_bound_fast", "energy_fast", "sum_rate_fast"]

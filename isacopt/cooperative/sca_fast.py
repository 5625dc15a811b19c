"""``max_sum_rate`` and ``max_energy_efficiency`` on the subspace path (``relaxation='auto'``), no cvxpy.

The same successive convex approximation (and Dinkelbach's method over it) as ``rates.max_sum_rate`` and
``energy.max_energy_efficiency``, step for step: each surrogate is ``rate_form.rate_surrogate_sdp`` solved by
the subspace loop, which certifies the step's optimum with its dual bound (exponential cones for the logs,
solve.log_levels), and the next linearisation point is the step's received and interference powers. Each
step starts from the bases the last one ended with. The design is extracted and certified as on the cvxpy
path. Whatever the loop does not settle (a step left short of ``STEP_GAP``, a design whose certificate
fails) goes to the cvxpy path (None is returned; ``records`` say why).
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
from .rate_form import GAP_FLOOR, rate_surrogate_sdp, user_powers

CERTIFIED_GAP = 1e-4  # a bound within this relative distance of the design's EE certifies it optimal (both paths)
SOLVER_GAP = 1e-8  # Clarabel's default absolute and relative duality-gap tolerances (the chain's loosest)
# a step is a point to linearise at when its gap is certified to STEP_GAP and its rows met to STEP_FEAS: the
# iteration only needs a better point than the last (checked: a step that loses ends it), and the design
# extracted at the end is certified on its own. Seen: rows met to 2.9e-6 only (a root-CRLB limit of the
# energy-efficiency file), gaps left at 1e-5 to 6e-5 with nothing to add (Clarabel's NumericalError on
# 8-BS Poisson snapshots of the energy-efficiency study: there the iteration had stopped 0.1-20 % short)
STEP_FEAS = 1e-4
STEP_GAP = 1e-3
UNSETTLED = SolveRecord("subspace", "error", 0.0, 0.0,  # type: ignore[arg-type]
                        "a surrogate step was not settled on subspaces: the cvxpy path solves the problem")


def usable(res) -> bool:
    """A step with a certified gap of at most ``STEP_GAP`` and rows met to ``STEP_FEAS``, whatever Clarabel's
    status (the gap and the rows are checked on their own). The gap is the matrices' own value against the
    bound, not the loop's penalised one: an elastic row (a backhaul cap) met to 7e-6 only, times the penalty,
    held that open at 3e-2 where the values were 2e-6 apart."""
    if res.status in ("time_limit", "infeasible") or not res.matrices or res.violation > STEP_FEAS:
        return False
    own_gap = abs(res.bound - res.value) / max(abs(res.bound), GAP_FLOOR) if np.isfinite(res.bound) else np.inf
    return min(res.gap, own_gap) <= STEP_GAP


def step(sdp, data, time_limit_s: float | None, t0: float, records: list[SolveRecord], start):
    """One surrogate on subspaces from the last step's bases; when that is not usable, once more stopping at
    the first restricted problem usable as a point (gap ``STEP_GAP``): on Poisson snapshots of the
    energy-efficiency study a first solve that left a gap of about 1e-5 was followed by accurate re-solves
    that Clarabel ended in InsufficientProgress, and only their failure came back."""
    res = certified_solve(sdp, data, time_limit_s, t0, records, start=start)
    if not usable(res) and res.status not in ("time_limit", "infeasible"):  # (those a retry would not change)
        res = certified_solve(sdp, data, time_limit_s, t0, records, start=start, gap_tol=STEP_GAP)
    return res


def _powers(sdp, res) -> tuple[np.ndarray, np.ndarray]:
    return user_powers(sdp, row_values(sdp, BlockTerms.group(sdp), res.matrices))


def sum_rate_fast(opts, data, assoc, time_limit_s: float | None, t0: float,
                  records: list[SolveRecord]) -> Solution | None:
    n = data.network.n_users
    received, interference = np.zeros(n), np.zeros(n)
    history: list[float] = []
    kept = None
    for it in range(opts.sca_iterations):
        sdp = rate_surrogate_sdp(opts, data, assoc, 1.0 / (1.0 + interference), near=received)
        res = step(sdp, data, time_limit_s, t0, records, kept[1].bases if kept else None)
        if not usable(res):  # (the cvxpy path, with the rest of the time limit, if any)
            records.append(UNSETTLED)
            return None
        at = _powers(sdp, res)
        rate = float(np.sum(np.log2(1 + (at[0] - at[1]) / (1 + at[1]))))
        if history and rate < history[-1]:  # a step that loses (solved to its gap only) ends the iteration
            break
        kept, (received, interference) = (sdp, res), at
        history.append(rate)
        if it and history[-1] - history[-2] <= 1e-5 * max(1.0, abs(history[-1])):
            break
    note = (f"successive convex approximation: {len(history)} surrogate problems on subspaces, relaxation sum "
            f"rate {history[-1]:.8g}")
    return _local_solution(opts, data, assoc, kept, None, records, t0, note)


def energy_fast(opts, data, assoc, time_limit_s: float | None, t0: float,
                records: list[SolveRecord]) -> Solution | None:
    """Dinkelbach over SCA steps as ``energy.max_energy_efficiency`` (its checks of the circuit power ran)."""
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
        res = step(sdp, data, time_limit_s, t0, records, kept[1].bases if kept else None)
        if not usable(res):  # (the cvxpy path, with the rest of the time limit, if any)
            records.append(UNSETTLED)
            return None
        got, heard = _powers(sdp, res)
        heard = np.minimum(heard, got)
        spent = max(sdp.power_of(res.matrices) * data.p_ref, 0.0) / eta + circuit
        if spent <= 0:
            if kept is None:
                return None
            stopped = " (a step transmitted nothing: the last positive point stands)"
            break
        ee = bandwidth * float(np.log2(1 + (got - heard) / (1 + heard)).sum()) / spent
        if history and ee < lam:  # a step that loses (solved to its gap only) ends the iteration
            stopped = f" (step {it + 1} lost {1 - ee / lam:.1e}: the last point stands)"
            break
        kept, received, interference = (sdp, res), got, heard
        history.append(ee)
        if dinkelbach_done(opts, ee, lam):
            break
        lam = ee
    else:
        stopped = at_the_cap(opts, history)
    bound, bound_note = energy_bound_fast(opts, data, assoc, lam, price, circuit, time_limit_s, t0, records)
    note = (f"Dinkelbach over successive convex approximations: {len(history)} problems on subspaces{stopped}, "
            f"relaxation EE {history[-1]:.8g} bit/J; {bound_note}")
    sol = _local_solution(opts, data, assoc, kept, bound, records, t0, note)
    return None if sol is None else promoted(sol, bound, accurate=True)


def _local_solution(opts, data, assoc, kept, bound, records: list[SolveRecord], t0: float,
                    note: str) -> Solution | None:
    """The local optimum of the last kept SCA point, if its design certifies (else None: the cvxpy path)."""
    te = time.perf_counter()
    found = certified_design(opts, data, assoc, kept, bound, records)
    return None if found is None else solution(opts, data, found, bound, records, t0, te, note, local=True)


def energy_bound_fast(opts, data, assoc, lam: float, price: float, circuit: float, time_limit_s: float | None,
                      t0: float, records: list[SolveRecord]) -> tuple[float | None, str]:
    """``energy.energy_bound`` with each step certified by the subspace loop: the certified bound F(lambda) of
    max sum_k log(1 + S_k) - lambda D gives EE <= lambda + F(lambda) / P_c for every design."""
    if circuit <= 0:
        return None, "no bound: without circuit power the bound's division by P_c is undefined"
    kept: dict = {"bases": None, "useful": None}

    def solved_at(level: float):
        sdp = rate_surrogate_sdp(opts, data, assoc, None, price=level * price, near=kept["useful"])
        res = certified_solve(sdp, data, time_limit_s, t0, records, start=kept["bases"])
        if not np.isfinite(res.bound):  # (any multipliers bound F, whatever the solve's status)
            return None
        kept["bases"] = res.bases or kept["bases"]
        if not usable(res):  # no point to move lambda to: the bound alone
            return res.bound, None
        kept["useful"] = _powers(sdp, res)[0]
        return res.bound, (kept["useful"], sdp.power_of(res.matrices) * data.p_ref)

    best = dinkelbach_bound(opts, data.network, lam, circuit, solved_at)
    if not math.isfinite(best):
        return None, "no bound: the first bound step gave no finite dual bound"
    return best, f"bound {best:.6g} bit/J (Dinkelbach on the interference-free rates, certified steps)"


def dinkelbach_bound(opts, net, lam: float, circuit: float, solved_at) -> float:
    """Dinkelbach on the interference-free rates from ``lam`` (both paths): ``solved_at(lambda)`` gives F's
    value in nats (priced power included; a bound on it) and the point (useful powers, transmit power [W]),
    or None for the value alone, or None when the step gave nothing. Every lambda gives a valid bound
    lambda + F(lambda) / P_c; the smallest is returned (inf: none)."""
    bandwidth, eta = net.system.bandwidth_hz, net.system.pa_efficiency
    best = math.inf
    for _ in range(opts.sca_iterations):
        got = solved_at(lam)
        if got is None:
            break
        value, point = got
        # padded by Clarabel's tolerance: the bound covers designs within the budgets, and an extracted design may
        # use its budget to the solver's feasibility tolerance (seen: 5e-9 above the bound); F < 0 means every
        # design has EE < lambda
        f = bandwidth / math.log(2) * (value + SOLVER_GAP * (1 + abs(value))) - lam * circuit
        best = min(best, lam + max(f, 0.0) / circuit)
        if point is None:
            break
        useful, power_w = point
        ratio = bandwidth * float(np.log2(1 + useful).sum()) / (max(power_w, 0.0) / eta + circuit)
        if dinkelbach_done(opts, ratio, lam):
            break
        lam = ratio
    return best


def certified_design(opts, data, assoc, kept, bound, records: list[SolveRecord]):
    """The design of the last kept step and its certificate, or None (recorded) when the certificate fails."""
    found = design_of_result(opts, data, assoc, *kept, bound)
    if found[1].holds:
        return found
    records.append(SolveRecord("subspace", "error", 0.0, 0.0,  # type: ignore[arg-type]
                               f"the extracted design's certificate failed ({found[1].worst_constraint})"))
    return None


def dinkelbach_done(opts, ratio: float, lam: float) -> bool:
    """Dinkelbach's stop (every loop of both paths): the step raised the ratio by less than ``dinkelbach_tol``
    of it (or lowered it)."""
    return ratio - lam <= opts.dinkelbach_tol * max(ratio, 1e-300)


def at_the_cap(opts, history: list[float]) -> str:
    """The note of an iteration stopped by ``sca_iterations`` (both paths)."""
    gain = history[-1] / history[-2] - 1 if len(history) > 1 else 1
    return f" (stopped at sca_iterations = {opts.sca_iterations}, the last step still gaining {gain:.1e})"


def promoted(sol: Solution, bound: float | None, accurate: bool) -> Solution:
    """A local optimum whose EE bound is within ``CERTIFIED_GAP`` of it is certified optimal (both paths)."""
    if (sol.status == "local_optimum" and bound is not None and sol.objective is not None
            and bound - sol.objective <= CERTIFIED_GAP * abs(bound)):
        return sol.model_copy(update={"status": "optimal" if accurate else "optimal_reduced_accuracy"})
    return sol


__all__ = ["at_the_cap", "dinkelbach_bound", "dinkelbach_done", "energy_bound_fast", "energy_fast", "promoted",
           "sum_rate_fast"]

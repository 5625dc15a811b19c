"""Rate objectives of the cooperative problem.

max_min_rate: the smallest rate is quasi-concave in the relaxation, so a bisection on a common
SINR target Gamma finds the optimum of the relaxation to a relative ``rate_tol``. Each step solves
min alpha s.t. SINR_k >= Gamma, CRLB limits, tr(R_b) <= alpha P_b: always feasible, hence well
posed even where the feasible set of the plain problem shrinks to a point (a plain feasibility
SDP there gives "inaccurate" answers, or "optimal" ones that miss a CRLB limit by 1e-3). A level
is feasible when alpha <= 1 and the extracted design is certified; alpha > 1 from an accurate
solve proves it out of reach; any other outcome is "unknown" and the bracket says so.
The upper end starts at min_k of the single-user bound (sum_b sqrt(P_b) ||h_bk||)^2 / sigma^2
and at the backhaul cap B n_b r <= C_b - (sensing load of b).

max_sum_rate: sum_k log(1 + SINR_k) is not concave in the covariances. Successive convex
approximation: log(1 + SINR_k) = log(1 + T_k) - log(1 + I_k) (T_k all received power, I_k the
interference, in noise units); linearising the subtracted concave term at the current point
gives a concave minorant, each surrogate is an SDP with exponential cones, and the sequence of
objective values is monotone. The result is a stationary point of the relaxation, reported as
``local_optimum`` with no bound.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from ..objectives import MinPower
from ..objectives.min_utilisation import MinUtilisation
from ..objectives.rate_surrogate import RateSurrogate
from ..solve.runner import DEFAULT_CHAIN
from . import fast_path
from .finish import design_from, finish, status_solution
from .rate_steps import SubspaceLevels
from .sca_fast import sum_rate_fast

BISECTION_DRAWS = 5  # random directions per bisection step when the coherent stacked beams need repair
UTILISATION_TOL = 1e-6  # alpha above 1 + this (an accurate optimum) proves the level out of reach
CLARABEL_ONLY = tuple(a for a in DEFAULT_CHAIN if a.solver == "CLARABEL")  # SCS is too loose for decisions


def single_user_bound(data, assoc) -> float:
    """Linear SINR no user can beat: its whole cluster's budgets aligned on it, no interference."""
    net = data.network
    best = []
    for k, cluster in enumerate(assoc.serving):
        amp = sum(math.sqrt(net.base_stations[b].power_w) * np.linalg.norm(data.channels.comm[b][k]) for b in cluster)
        best.append(amp**2 / data.noise)
    return min(best)


def backhaul_rate_cap(opts, data, assoc) -> float:
    """Largest common rate [bit/s/Hz] the backhaul carries: B n_b r <= C_b - sensing load of b."""
    if not opts.enforce_backhaul:
        return math.inf
    net, cap = data.network, math.inf
    sensing = opts.sensing_load(data, assoc)
    for b, bs in enumerate(net.base_stations):
        n = sum(1 for c in assoc.serving if b in c[1:])
        if bs.backhaul_bps is not None and n:
            cap = min(cap, (bs.backhaul_bps - sensing[b]) / (net.system.bandwidth_hz * n))
    return cap


def max_min_rate(opts, data, assoc, chain, time_limit_s, t0):
    users = tuple(range(data.network.n_users))
    hi_db = 10 * math.log10(single_user_bound(data, assoc))
    cap = backhaul_rate_cap(opts, data, assoc)
    if cap <= 0:
        return status_solution(opts, "infeasible", "backhaul capacity is used up by sensing: no rate can be shared",
                               t0, [], [], network=data.network)
    if cap < math.inf:
        hi_db = min(hi_db, 10 * math.log10(2**cap - 1))
    lo_db = min(-30.0, hi_db - 10.0)
    if fast_path.why_not(opts, data.network) is None:
        records: list = []
        levels = SubspaceLevels(opts, data, assoc, BISECTION_DRAWS, time_limit_s, t0, records)
        first = levels(lo_db)
        if first:
            lo, hi, proven_hi, steps = bisect_rate(opts, levels, lo_db, hi_db)
            te = time.perf_counter()
            found, note = rate_result(levels.kept, lo, hi, proven_hi, steps)
            return fast_path.solution(opts, levels.kept["data"], found, _rate(proven_hi), records, t0, te, note)
        if first is False:  # certified out of reach: the cvxpy SDP only names the conflicting constraints
            return lowest_out_of_reach(opts, data, assoc, lo_db, f"at least {levels.kept['alpha_bound']:.3g}",
                                       records, t0, False)
        # else the cvxpy path decides
        if time_limit_s is not None:
            time_limit_s = max(time_limit_s - (time.perf_counter() - t0), 1e-3)
    compiled, recompiled = opts.compiled(replace(data, sinr_targets=(1.0,) * len(users)), assoc, MinUtilisation,
                                         users)
    records: list = []
    kept: dict = {}  # the certified design at the best level so far

    def feasible(db: float) -> bool | None:
        """True: a design at this level is certified; False: proven infeasible; None: unknown (a
        failed or inaccurate solve that proves nothing, or a design that fails the certificate: near
        the edge of feasibility an "optimal" SDP can miss a CRLB limit by 1e-3).

        An inaccurate solve (Clarabel's AlmostSolved: a few iterations short of its 1e-8 tolerances)
        is enough to show feasibility, because the extracted design is certified on its own; only a
        claim of infeasibility (alpha > 1) needs an accurate solve, so then the other attempts run."""
        level = 10 ** (db / 10)
        compiled.terms["sinr"].set_targets({k: level for k in users})
        outcome = opts.run_chain(compiled, CLARABEL_ONLY, time_limit_s, records, accept_inaccurate=True)
        if outcome == "solved" and not compiled.accurate and float(compiled.alpha.value) > 1 + UTILISATION_TOL:
            rest = tuple(a for a in CLARABEL_ONLY if a.name != records[-1].attempt)
            outcome = opts.run_chain(compiled, rest, time_limit_s, records, accept_inaccurate=False)
        if outcome != "solved":
            return None
        alpha = float(compiled.alpha.value)
        kept["alpha"] = alpha
        if alpha > 1 + UTILISATION_TOL:
            return False if compiled.accurate else None
        # users are scheduled at the common rate: it is what the CoMP backhaul carries (SPEC.md 7)
        net = data.network.with_updates(users=[u.model_copy(update={"sinr_db": db}) for u in data.network.users])
        data_at = replace(data, network=net, sinr_targets=(level,) * len(users))
        found = design_from(opts, data_at, assoc, compiled, None, draws=BISECTION_DRAWS)
        if not found[1].holds:
            return None
        kept.update(db=db, data=data_at, found=found)
        return True

    first = feasible(lo_db)
    if not first:
        data_lo = replace(data, sinr_targets=(10 ** (lo_db / 10),) * len(users))
        if first is None:
            return opts.failed("failed", data_lo, compiled, records, t0, recompiled)
        return lowest_out_of_reach(opts, data, assoc, lo_db, f"{kept['alpha']:.3g}", records, t0, recompiled)
    lo, hi, proven_hi, steps = bisect_rate(opts, feasible, lo_db, hi_db)
    compiled.accurate = True
    found, note = rate_result(kept, lo, hi, proven_hi, steps)
    return finish(opts, kept["data"], assoc, compiled, records, t0, recompiled, bound=_rate(proven_hi), note=note,
                  certified=found)


def lowest_out_of_reach(opts, data, assoc, lo_db: float, alpha: str, records: list, t0: float, recompiled: bool):
    """Infeasible: even the lowest common SINR needs ``alpha`` times every budget; the min-power SDP's phase 1
    names the conflicting constraints."""
    data_lo = replace(data, sinr_targets=(10 ** (lo_db / 10),) * data.network.n_users)
    plain, _ = opts.compiled(data_lo, assoc, MinPower, tuple(range(data.network.n_users)))
    sol = opts.failed("infeasible", data_lo, plain, records, t0, recompiled)
    return sol.model_copy(update={"reason": f"even a common SINR of {lo_db:.0f} dB needs {alpha} "
                                            f"times every power budget; " + sol.reason})


def _rate(db: float) -> float:
    return math.log2(1 + 10 ** (db / 10))


def bisect_rate(opts, feasible, lo_db: float, hi_db: float) -> tuple[float, float, float, int]:
    """Bisection on the common SINR [dB] from a reachable ``lo_db``: (reached, smallest not shown reachable,
    smallest proven out of reach, steps)."""
    lo, hi, proven_hi, steps = lo_db, hi_db, hi_db, 0
    tol_db = 10 * math.log10(2) * opts.rate_tol  # dr/d(dB) <= 1/(10 log10 2): a rate width <= rate_tol
    # and, below 1 bit/s/Hz, a relative width: the certified gap (rate(hi) - rate(lo)) / rate(hi) stays
    # within rate_tol at any rate level
    while (hi - lo > tol_db or _rate(hi) - _rate(lo) > opts.rate_tol * _rate(hi)) and steps < 200:
        mid, steps = (lo + hi) / 2, steps + 1
        ok = feasible(mid)
        if ok:
            lo = mid
        else:
            hi = mid
            if ok is False:
                proven_hi = mid
    return lo, hi, proven_hi, steps


def rate_result(kept: dict, lo: float, hi: float, proven_hi: float, steps: int):
    """The certified design at the reached level with the bisection's gap, and the solution's note."""
    note = (f"bisection: {steps + 1} feasibility SDPs; common rate {_rate(lo):.4g} feasible, "
            f"{_rate(proven_hi):.4g} bit/s/Hz proven out of reach" + ("" if proven_hi == hi else
                                                                     f" ({_rate(hi):.4g} not proven: solver unsure)"))
    design, cert, ev, _ = kept["found"]
    achieved = _rate(lo)  # every user certified at this common rate, which the backhaul carries
    gap = abs(_rate(proven_hi) - achieved) / _rate(proven_hi)
    return (design, cert.model_copy(update={"relaxation_gap": gap}), ev, achieved), note


def set_rate_caps(opts, data, assoc, compiled) -> None:
    """The surrogate's backhaul rows (SPEC.md 7): what each BS's link carries after the sensing load, in nats."""
    net = data.network
    sensing = opts.sensing_load(data, assoc)
    for b, par in compiled.cap.items():
        c = net.base_stations[b].backhaul_bps
        par.value = 1e6 if (c is None or not opts.enforce_backhaul) else \
            max(c - sensing[b], 0.0) / net.system.bandwidth_hz * math.log(2)


def linearise(compiled, received: np.ndarray, interference: np.ndarray) -> None:
    """Move the surrogate's linearisation point to the given received and interference powers (noise units)."""
    compiled.sca_slope.value = 1.0 / (1.0 + interference)
    compiled.tangent.value = 1.0 / (1.0 + received)
    compiled.offset.value = np.log1p(received) - received / (1.0 + received)


def max_sum_rate(opts, data, assoc, time_limit_s, t0):
    records: list = []
    if fast_path.why_not(opts, data.network) is None:
        fast = sum_rate_fast(opts, data, assoc, time_limit_s, t0, records)
        if fast is not None:
            return fast
        if time_limit_s is not None:  # what is left of the limit for the cvxpy SDP
            time_limit_s = max(time_limit_s - (time.perf_counter() - t0), 1e-3)
    net = data.network
    users = tuple(range(net.n_users))
    sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
    compiled, recompiled = opts.compiled(data, assoc, RateSurrogate, sinr_users, all_users=users)
    set_rate_caps(opts, data, assoc, compiled)
    interference = np.zeros(len(users))
    received = np.zeros(len(users))
    history: list[float] = []
    for it in range(opts.sca_iterations):
        linearise(compiled, received, interference)
        outcome = opts.run_chain(compiled, CLARABEL_ONLY if it else DEFAULT_CHAIN, time_limit_s, records)
        if outcome != "solved":
            if it == 0 or outcome == "time_limit":
                return opts.failed(outcome, data, compiled, records, t0, recompiled)
            break  # keep the last solved surrogate point
        received = np.maximum(compiled.user_powers[0].value, 0.0)
        interference = np.maximum(compiled.user_powers[1].value, 0.0)
        history.append(float(np.sum(np.log2(1 + (received - interference) / (1 + interference)))))
        if it and history[-1] - history[-2] <= 1e-5 * max(1.0, abs(history[-1])):
            break
    note = f"successive convex approximation: {len(history)} surrogate SDPs, relaxation sum rate {history[-1]:.8g}"
    return finish(opts, data, assoc, compiled, records, t0, recompiled, local=True, note=note)


__all__ = ["backhaul_rate_cap", "linearise", "max_min_rate", "max_sum_rate", "set_rate_caps", "single_user_bound"]

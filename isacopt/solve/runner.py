"""One solver call with cvxpy, mapped to isacopt's own statuses; the fallback chain.

Chain (documented in docs/howto/solver-settings.md): Clarabel with its defaults;
Clarabel with tighter tolerances and more iterations; Clarabel with more static
regularisation; SCS at high accuracy.
A result is accepted only when the extracted design's certificate holds;
otherwise the next attempt runs. Solver-native exceptions never reach users.
"""

from __future__ import annotations

import time
import warnings
import weakref
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any, Literal

import cvxpy as cp

from ..errors import ValidationError
from .quiet import captured_stderr
from .restricted import FAER_SETTINGS

Outcome = Literal["optimal", "inaccurate", "infeasible", "unbounded", "error", "time_limit"]


@dataclass(frozen=True)
class Attempt:
    name: str
    solver: str
    options: dict[str, Any] = field(default_factory=dict)


# Clarabel's supernodal factorisation (faer) on one thread: the same answers as its default QDLDL and 2-3.5x
# faster on the cooperative SDPs (hex-7cell-comp-backhaul 25 -> 12 s, seed-fig4-frontier 0.85 -> 0.24 s per
# re-solve), no slower elsewhere; two threads were not faster on 2 cores, where sweep workers use both. With
# faer's default refinement tolerances three test problems ended "almost solved" where QDLDL solved them;
# refining to 1e-14 restores "solved". The regularised attempt keeps QDLDL: a fallback with another
# factorisation.
FAER = {**FAER_SETTINGS, "iterative_refinement_reltol": 1e-14, "iterative_refinement_abstol": 1e-14}

DEFAULT_CHAIN: tuple[Attempt, ...] = (
    Attempt("clarabel", "CLARABEL", FAER),
    Attempt("clarabel-tight", "CLARABEL", {**FAER, "max_iter": 1000, "tol_feas": 1e-10, "tol_gap_abs": 1e-10,
                                           "tol_gap_rel": 1e-10, "tol_ktratio": 1e-8}),
    # a KKT factorisation that fails at the first steps (Clarabel's NumericalError on larger CoMP
    # SDPs) usually goes through with ten times the static regularisation. Capped at 100 iterations:
    # on a (nearly) infeasible SDP this attempt follows the homogeneous embedding's infeasibility ray,
    # whose iterates grow ~100x per step; by iteration ~180 they overflow to NaN and the PSD cone's
    # eigendecomposition panics ("Eigval error", psdtrianglecone.rs) instead of reporting infeasibility.
    # At 100 it stops as AlmostPrimalInfeasible (seen on a Fig. 3 max-min-SINR bisection step).
    Attempt("clarabel-regularised", "CLARABEL", {"static_regularization_constant": 1e-7, "max_iter": 100}),
    Attempt("scs", "SCS", {"eps": 1e-8, "max_iters": 20_000}),
)


@dataclass(frozen=True)
class SolveRecord:
    attempt: str
    outcome: Outcome
    solver_s: float
    wall_s: float
    message: str = ""

    def describe(self) -> str:
        return f"{self.attempt}: {self.outcome}" + (f" ({self.message})" if self.message else "")


_MAP: dict[str, Outcome] = {
    cp.OPTIMAL: "optimal", cp.OPTIMAL_INACCURATE: "inaccurate", cp.INFEASIBLE: "infeasible",
    cp.INFEASIBLE_INACCURATE: "infeasible", cp.UNBOUNDED: "unbounded", cp.UNBOUNDED_INACCURATE: "unbounded",
    cp.USER_LIMIT: "time_limit",
}


# Problems canonicalised afresh at every solve, their Parameters' values taken as constants (cvxpy's
# ``ignore_dpp``): for the angle-CRB term, whose Parameters are whole matrices, cvxpy's DPP compilation grows
# about with the square of the problem (20 s at the paper size, 204 GiB at 19 BSs with 16 antennas) while a
# fresh canonicalisation takes a fraction of a second there
_PER_SOLVE: "weakref.WeakSet[cp.Problem]" = weakref.WeakSet()


def canonicalise_per_solve(problem: cp.Problem) -> None:
    """Solve ``problem`` without DPP from now on (see ``_PER_SOLVE``)."""
    _PER_SOLVE.add(problem)


def compiles_once(problem: cp.Problem) -> bool:
    """False for a problem canonicalised afresh at every solve (nothing to compile ahead of time)."""
    return problem not in _PER_SOLVE


def run(problem: cp.Problem, attempt: Attempt, *, time_limit_s: float | None = None) -> SolveRecord:
    """Solve ``problem`` once; never raises for solver trouble."""
    options = dict(attempt.options)
    if problem in _PER_SOLVE:
        options["ignore_dpp"] = True
    if time_limit_s is not None:
        if attempt.solver == "CLARABEL":
            options["time_limit"] = float(time_limit_s)
        elif attempt.solver == "SCS":
            options["time_limit_secs"] = float(time_limit_s)
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings(), captured_stderr() as printed:
            warnings.simplefilter("ignore")  # inaccuracy is reported through our status, not a warning
            problem.solve(solver=attempt.solver, warm_start=False, **options)
    except TypeError as err:  # an option the solver does not know: misuse, named as such
        raise ValidationError([(f"chain[{attempt.name!r}].options", str(err))]) from err
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # noqa: BLE001 - solver errors and Rust panics (pyo3's PanicException is a
        # BaseException, e.g. Clarabel's "Eigval error" in a PSD step) become a recorded failed attempt; what
        # the panic printed to stderr is kept here, not shown on the terminal
        first = (str(err).splitlines() or [type(err).__name__])[0][:200]
        said = f"; solver stderr: {printed.first_line}" if printed.first_line else ""
        return SolveRecord(attempt.name, "error", 0.0, time.perf_counter() - t0,
                           f"{type(err).__name__}: {first}{said}")
    wall = time.perf_counter() - t0
    stats = problem.solver_stats
    solver_s = float(stats.solve_time) if stats is not None and stats.solve_time is not None else wall
    status = problem.status or "unknown"
    outcome = _MAP.get(status, "error")
    message = "" if outcome != "error" else f"status {status}"
    if outcome == "time_limit" and time_limit_s is None:  # cvxpy's USER_LIMIT also means an iteration limit
        outcome, message = "error", "iteration limit reached"
    return SolveRecord(attempt.name, outcome, solver_s, wall, message)


@dataclass(frozen=True)
class ChainResult:
    """How a chain of attempts ended: ``solved`` (an attempt's result was accepted), ``infeasible`` or
    ``time_limit`` (an attempt said so: the chain stops there) or ``failed`` (no attempt gave an accepted
    result); ``record`` and ``attempt`` are the last attempt's."""

    outcome: Literal["solved", "infeasible", "time_limit", "failed"]
    record: SolveRecord | None = None
    attempt: Attempt | None = None


def run_chain(problem: cp.Problem, chain: tuple[Attempt, ...], records: list[SolveRecord], *,
              time_limit_s: float | None = None, accept: Callable[[SolveRecord], bool] | None = None,
              accept_inaccurate: bool = True) -> ChainResult:
    """Try the attempts of ``chain`` in order, appending each one's record to ``records``. An ``optimal``
    result (or ``inaccurate``, unless ``accept_inaccurate`` is off) ends the chain as ``solved`` when
    ``accept(record)`` agrees (a caller that extracts and certifies a design says no to try the next
    attempt); ``infeasible`` and ``time_limit`` end it at once. The one loop of every problem family."""
    for attempt in chain:
        rec = run(problem, attempt, time_limit_s=time_limit_s)
        records.append(rec)
        if rec.outcome == "optimal" or (accept_inaccurate and rec.outcome == "inaccurate"):
            if accept is None or accept(rec):
                return ChainResult("solved", rec, attempt)
            continue
        if rec.outcome in ("infeasible", "time_limit"):
            return ChainResult(rec.outcome, rec, attempt)
    return ChainResult("failed", records[-1] if records else None, None)


def solved_quietly(problem: cp.Problem, **options: Any) -> bool:
    """``problem.solve(**options)`` for auxiliary solves (phase 1, back-off): False when the solver raised,
    a Rust panic included (pyo3's PanicException is a BaseException); warnings silenced."""
    try:
        with warnings.catch_warnings(), captured_stderr():
            warnings.simplefilter("ignore")
            problem.solve(**options)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001
        return False
    return True


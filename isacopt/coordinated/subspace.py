"""``relaxation='subspace'``: the SDP relaxation solved by growing subspaces, no cvxpy compilation.

Blocks of at most ``FULL_DIM`` dimensions start with their whole space (then a
single solve of the relaxation's dual LMI form certifies itself); larger ones
start from the user's channel and its regularised zero-forcing direction, or
the targets' steering vectors, and grow. The answer is the same relaxation's optimum (to the certified gap, 1e-6
relative by default), so extraction and certification are the SDP path's. When
the loop does not certify an answer (the rows cannot all hold, the subspaces
stall, Clarabel fails), the caller falls back to the cvxpy SDP, which also names
the conflicting constraints of an infeasible problem.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..formulation.data import SnapshotData
from ..formulation.linear import linear_sdp
from ..formulation.level_margin import SENSING_ROWS, USER_ROWS, interference_ceiling, level_bound_db, margin_problem
from ..solve.bisection import bisect, lowest_refuted, single_user_bound_db
from ..solve.extract import psd_part
from ..solve.relevel import LevelFamily
from ..solve.runner import SolveRecord
from ..solve.acceptance import accepted
from ..solve.subspace import SETTLED, refutes, unrefined_first
from .optimise import Outcome, accept_design, design_from
from .scaled_level import scaled_up, worst_level
from .sensing_bisection import LOWEST_DB, single_target_bound_db
from .structure import Structure

if TYPE_CHECKING:
    from .coordinated import CoordinatedBeamforming

MET = 1e-6  # a restricted design meets a row short by no more than this (solver units; solve_subspace's feas_tol)
FULL_DIM = 8  # blocks of at most this many dimensions are solved whole: one LMI solve beats a loop there


def by_subspaces(opts: "CoordinatedBeamforming", data: SnapshotData, st: Structure, time_limit_s: float | None,
                 out: Outcome) -> bool:
    """Solve into ``out``; False when the cvxpy SDP should take over (``out.records`` says why)."""
    if opts.objective_class.bisection or opts.objective_class.sensing_level:
        return _bisection(opts, data, st, time_limit_s, out)
    sdp, res = _solve(opts, data, st, opts.objective_class.linear_form, time_limit_s, out)
    if res.status == "time_limit":
        out.status, out.reason = "time_limit", res.message
        return True
    if res.status != "optimal":
        return False
    _accept(opts, data, st, sdp, res, sdp.bound_si(res.bound, data.p_ref), out)
    return out.status == "solved"


def _solve(opts, data: SnapshotData, st: Structure, form: str, time_limit_s: float | None, out: Outcome,
           stop_when_feasible: bool = False, full_dim: int = FULL_DIM, sensing_sinr: float | None = None,
           start: list | None = None, margin: bool = False):
    """``sensing_sinr``: a sensing-level bisection's level (linear); else the problem's own floor, if any;
    ``start``: bases to begin from (the last bisection step's); ``margin``: the level's margin problem
    (formulation.level_margin) instead of its least power."""
    if sensing_sinr is None and opts.sensing_sinr_db is not None:
        sensing_sinr = 10 ** (opts.sensing_sinr_db / 10)
    sdp = _step_sdp(opts, data, st, sensing_sinr, form, margin)
    # per-antenna power rows make the sensing covariances full-rank (each antenna's power is pinned):
    # small subspaces then converge slowly, so every block gets its whole space (one LMI solve)
    full_dim = max(st.dims, default=0) if opts.per_antenna_power else full_dim
    # a bisection's feasibility step left open is not solved again: the bisection probes around an open level
    # anyway, and a retry (refined, then on whole blocks) left the same levels open on every sampled row of
    # seed-fig3-optimised at the cost of about twenty restricted problems each (docs/performance.md)
    for refined, res in unrefined_first(sdp, data, gap_tol=opts.subspace_gap, time_limit_s=time_limit_s,
                                        full_dim=full_dim, stop_when_feasible=stop_when_feasible, start=start,
                                        retry=not stop_when_feasible):
        outcome = {"optimal": "optimal", "feasible": "optimal", "time_limit": "time_limit",
                   "infeasible": "infeasible"}.get(res.status, "error")
        note = f"{res.iterations} restricted SDPs, largest basis {max(res.sizes, default=0)}, " + (
            "a design meets every target" if res.status == "feasible" else f"certified gap {res.gap:.1e}")
        out.records.append(SolveRecord("subspace", outcome, res.solver_s, res.wall_s,
                                       note + ("" if refined else ", KKT solves unrefined")
                                       + (f"; {res.message}" if res.message else "")))
        if res.status in SETTLED:
            break
        if accepted(res) is not None:  # stopped just short of its gap by Clarabel's accuracy: reported as such
            res = accepted(res)
            last = out.records[-1]
            out.records[-1] = replace(last, outcome="optimal", message=last.message + "; accepted")
            break
    return sdp, res


def _step_sdp(opts, data: SnapshotData, st: Structure, sensing_sinr: float | None, form: str | None = None,
              margin: bool = False):
    """The linear SDP of ``data`` (a level's SINR targets) at the sensing level ``sensing_sinr`` (linear), as
    the level's margin problem when ``margin`` (a level search's step)."""
    sdp = linear_sdp(data, st, form=form or opts.objective_class.linear_form, sensing_streams=opts.sensing_streams,
                     per_antenna_power=opts.per_antenna_power, beampattern_floor=opts.beampattern_floor_w,
                     sensing_sinr=sensing_sinr, weight=opts.weight, crb=opts.crb)
    return margin_problem(sdp, level_rows(opts)) if margin else sdp


def level_rows(opts) -> str:
    """The rows a level search sets: the probed targets' sensing floors, or the served users' SINR rows."""
    return SENSING_ROWS if opts.objective_class.sensing_level else USER_ROWS


def _bisection(opts, data: SnapshotData, st: Structure, time_limit_s: float | None, out: Outcome) -> bool:
    """Max-min SINR (a common target of the served users) or max-min sensing SINR (a common floor of the
    probed targets, the users keeping their own targets): bisection, each step the level's margin problem on
    growing subspaces (formulation.level_margin; the least power where Clarabel does not settle it). A level
    counts as reachable only with a design; as out of reach only with the dual certificate (or a penalised
    optimum that leaves rows short). The margin's bound also caps the optimum, and its design reaches a level
    even where the level asked is out of reach; the design reported is the one that reached the best level
    (scaled up to the budgets where that gains). A level left open narrows the search without moving the
    certified bound, so the reported gap says what it cost. Only a search that finds no level at all hands
    the problem to the SDP path."""
    best: dict = {}
    stopped: list[str] = []  # the time limit's message, once it is reached
    # each step starts from the bases the previous one ended with: the levels differ by a fraction of a dB
    # near the end, where nearly every restricted solve of a cold start would regrow the same subspaces
    last: dict = {}
    sensing_level = opts.objective_class.sensing_level
    if sensing_level:
        hi = single_target_bound_db(data) + 1e-6
        lo = min(LOWEST_DB, hi - 1.0)

        def at(db: float) -> tuple[SnapshotData, float | None]:
            return data, 10 ** (db / 10)
    else:
        served = list(st.sinr_users)
        lo, hi = -30.0, single_user_bound_db(data, served) + 1e-6

        def at(db: float) -> tuple[SnapshotData, float | None]:
            level = 10 ** (db / 10)
            return data.with_sinr_targets(tuple(level if k in served else None for k in range(len(data.serving)))), None

    def feasible(db: float) -> bool | None:
        if stopped:
            return None
        step, sensing = at(db)
        # subspaces from the start even for small blocks: a feasibility step ends at the first design
        # meeting every target, usually on the first or second small restricted problem; a step the loop
        # leaves open (at the very edge of feasibility) stays open: the bisection probes around it
        def solved(margin: bool, start):
            return _solve(opts, step, st, opts.objective_class.linear_form, time_limit_s, out, stop_when_feasible=True,
                          full_dim=0, sensing_sinr=sensing, start=start, margin=margin)
        sdp, res = solved(True, last.get("bases"))
        # the ceiling matters only to a bound below 0 (a level out of reach): not made on every step
        ceiling = interference_ceiling(sdp, level_rows(opts)) if res.bound < 0 else 1.0
        last["bound_db"] = level_bound_db(db, res.bound, ceiling)
        # Clarabel did not settle the margin problem: again from the channels' own directions (the bases
        # carried over can be what it fails on: a Fig. 3 row failed six levels in a row that way), then
        # the least power
        for margin, start in ((True, None), (False, None)):
            if res.status in SETTLED or (margin and last.get("bases") is None):
                continue
            sdp, res = solved(margin, start)
        if res.bases:
            last["bases"] = res.bases
        if res.status in ("optimal", "feasible") and not (sdp.objective == "max_t" and res.value < 0):
            best.update(db=db, sdp=sdp, res=res, data=step, up=None, level=db)
            last["design"] = (sdp, res, step)
            return True
        if res.status == "infeasible":
            last["duals"] = (res.duals, sdp, step, db)
            # a margin step out of reach still ends at a design that meets every other row (the margin takes
            # the shortfall): near the optimum it is a near-optimal design, a reachable level (reached)
            if sdp.objective == "max_t" and res.matrices and res.violation <= MET:
                last["design"] = (sdp, res, step)
            return False
        if res.status == "time_limit":
            stopped.append(res.message)
        return None  # nothing shown either way: narrows the search (only a margin bound moves the proven one)

    def reached(db: float) -> float:
        """The level the design of the step just run reaches, scaled up to the budgets when that gains
        (coordinated.scaled_level; a level shown reachable: at least db), where the search goes on and whose
        design is reported should the search end there."""
        got = last.pop("design", None)
        if got is None:
            return -np.inf
        design, rank_one, method = _extracted(got[2], st, got[0], got[1], opts)
        found = scaled_up(got[2], design, sensing=sensing_level, per_antenna_power=opts.per_antenna_power)
        if found is None and got[1] is not best.get("res"):  # a margin design at a level out of reach
            found = (design, worst_level(got[2], design, sensing=sensing_level))
        if found is None or found[1] <= best.get("level", -np.inf):
            return -np.inf
        best.update(up=(found[0], rank_one, method), level=found[1], data=at(found[1])[0])
        return found[1]

    def refuted(db: float, found: float) -> float:
        """The lowest level in (found, db] the multipliers that proved db out of reach also prove out of reach
        (each check one bound, no solve: the rows at another level, the same multipliers, ``refutes``)."""
        duals, sdp, step, level_db = last.get("duals", (None, None, None, None))
        if duals is None:
            return db
        # the rows at another level are these rescaled (solve.relevel), not made anew for every check
        family = LevelFamily.of(sdp, step, st, 10 ** (level_db / 10), sdp.objective == "max_t", level_rows(opts))

        def out_of_reach(check_db: float) -> bool:
            problem, terms = family.at(10 ** (check_db / 10))
            return refutes(problem, duals, terms=terms)
        return lowest_refuted(out_of_reach, found, db, opts.bisection_tol_db)

    result = bisect(feasible, lo, hi, opts.bisection_tol_db, reached=reached, refuted=refuted,
                    bounded=lambda db: last.pop("bound_db", np.inf), start_at_top=sensing_level)
    if stopped:
        out.status, out.reason = "time_limit", stopped[0]
        return True
    if result.lo_db is None:
        return False  # the SDP path decides (and names conflicts when even the lowest level is out of reach)
    up = best.get("up")
    out.data = best["data"]
    if up is not None:  # a design the search scaled up, or found at a level out of reach
        accept_design(opts, best["data"], st, up, result.proven_hi_db, True, out)
    else:
        _accept(opts, best["data"], st, best["sdp"], best["res"], result.proven_hi_db, out)
    return out.status == "solved"


def _accept(opts, data: SnapshotData, st: Structure, sdp, res, bound: float, out: Outcome) -> None:
    accept_design(opts, data, st, _extracted(data, st, sdp, res, opts), bound, True, out)


def _extracted(data: SnapshotData, st: Structure, sdp, res, opts):
    """The design extracted from a subspace result's matrices (``design_from``: beams, sensing, method)."""
    w: dict[int, np.ndarray] = {}
    r0 = [np.zeros((bs.tx_antennas,) * 2, complex) for bs in data.network.base_stations]
    for blk, m in zip(sdp.blocks, res.matrices):
        v = data.nulls.bases[blk.bs]
        full = psd_part(v @ m @ v.conj().T) * data.p_ref
        if blk.user is None:
            r0[blk.bs] = full
        else:
            w[blk.user] = full
    for k, b in enumerate(st.serving):  # served users whose BS has no transmit dimension left
        if b >= 0 and k not in w:
            w[k] = np.zeros((data.network.base_stations[b].tx_antennas,) * 2, complex)
    return design_from(opts, data, st, w, r0)

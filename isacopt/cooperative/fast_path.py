"""``relaxation='auto'`` for ``CooperativeISAC``: the relaxation on the subspace path (solve.subspace), no cvxpy.

The cooperative SDP of the CRLB objectives and ``min_power`` (root-CRLB limits and eavesdropper caps
included; with CRLB interference each step of the majorise-minimise iteration), and each
utilisation step of the ``max_min_rate`` bisection (cooperative.rate_steps), is linear in its blocks
(cooperative.linear_form);
the subspace loop solves its dual LMI form with Clarabel directly and certifies the optimum with its own
dual bound. The design is extracted and certified exactly as on the cvxpy path. Whatever the loop does
not settle (rows that cannot all hold, a stalled loop, a design whose certificate fails) goes to the
cvxpy SDP, which also names an infeasible problem's conflicting constraints.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from ..association import Association
from ..formulation.data import SnapshotData
from ..results import Solution, Timing
from ..solve.extract import psd_part
from ..solve.outcome import certified_status, make_solution
from ..solve.runner import SolveRecord
from ..solve.acceptance import accepted
from ..solve.subspace import SubspaceResult, unrefined_first
from .finish import design_of_blocks
from .interference_mm import interference_keys, iterate
from .linear_form import cooperative_linear_sdp

FULL_DIM = 8  # blocks of at most this many dimensions are solved whole (one LMI solve), as for coordinated
OUTCOMES = {"optimal": "optimal", "feasible": "optimal", "time_limit": "time_limit",  # a record's outcome
            "infeasible": "infeasible"}
# the objectives' linear forms cooperative.linear_form builds
FORMS = frozenset({"min_power", "position_crlb", "weighted_crlb", "max_crlb"})


def why_not(opts, network) -> str | None:
    """Why this problem takes the cvxpy SDP (None: it takes the subspace path; ``max_min_rate``: each step of
    its bisection does; ``max_sum_rate`` and ``max_energy_efficiency``: each SCA step, cooperative.sca_fast)."""
    if opts.relaxation == "sdp":
        return "relaxation 'sdp' asked for"
    if opts.objective_class.linear_form not in FORMS and not (opts.objective_class.bisection
                                                               or opts.objective_class.local):
        return f"objective {opts.objective!r} is solved through cvxpy"
    return None


def solve_fast(opts, data: SnapshotData, assoc: Association, time_limit_s: float | None, t0: float,
               records: list[SolveRecord]) -> Solution | None:
    """A certified Solution, or None (``records`` say why) when the cvxpy SDP should take over."""
    interference = opts.crlb_interference and (opts.objective_class.crlb
                                               or any(lim is not None for lim in opts.limits(data.network)))
    sdp = cooperative_linear_sdp(opts, data, assoc, interference={} if interference else None)
    res = certified_solve(sdp, data, time_limit_s, t0, records)
    if res.status != "optimal":
        return None
    te = time.perf_counter()
    bound = sdp.bound_si(res.bound, data.p_ref)  # with interference: the noise-limited optimum, a bound still
    certified = design_of_result(opts, data, assoc, sdp, res, bound)
    note = ""
    if interference:

        def step(levels: dict):
            nonlocal res
            sdp = cooperative_linear_sdp(opts, data, assoc, interference=levels)
            found = certified_solve(sdp, data, time_limit_s, t0, records, start=res.bases)
            if found.status != "optimal":
                return None
            res = found
            return design_of_result(opts, data, assoc, sdp, found, bound)

        certified, note = iterate(opts, data, interference_keys(assoc), certified, bound, step)
    if not certified[1].holds:
        records.append(SolveRecord("subspace", "error", 0.0, 0.0,  # type: ignore[arg-type]
                                   f"the extracted design's certificate failed ({certified[1].worst_constraint})"))
        return None
    return solution(opts, data, certified, bound, records, t0, te, note, local=interference)


def certified_solve(sdp, data: SnapshotData, time_limit_s: float | None, t0: float, records: list[SolveRecord], *,
                    start=None, gap_tol: float = 1e-6, stop_when_feasible: bool = False) -> SubspaceResult:
    """The subspace loop without iterative refinement, and once more refined when that ends in an error
    (``unrefined_first``); each attempt recorded."""
    # without refinement, a solve whose FIM coefficients span many decades (phase-coherent pairs) once in
    # 60 random instances left a gap of 1e-3 with no direction to add: solved again refined, it certified
    left = None if time_limit_s is None else time_limit_s - (time.perf_counter() - t0)
    for refined, res in unrefined_first(sdp, data, time_limit_s=left, full_dim=FULL_DIM, start=start, gap_tol=gap_tol,
                                        stop_when_feasible=stop_when_feasible):
        outcome = OUTCOMES.get(res.status, "error")
        note = (f"{res.iterations} restricted SDPs, largest basis {max(res.sizes, default=0)}, " +
                ("a design meets every row" if res.status == "feasible" else f"certified gap {res.gap:.1e}"))
        records.append(SolveRecord("subspace", outcome, res.solver_s, res.wall_s,  # type: ignore[arg-type]
                                   note + ("" if refined else ", KKT solves unrefined")
                                   + (f"; {res.message}" if res.message else "")))
        if outcome != "error":
            break
        if accepted(res) is not None:
            # a whole-space solve that Clarabel's accuracy stops just short of the 1e-6 gap (seen at 1.1e-6 to
            # 1.9e-6 on small min-power problems, refined or not): optimal to the gap it certifies, reported
            res = accepted(res)
            records[-1] = replace(records[-1], outcome="optimal", message=records[-1].message + "; accepted")
            break
    return res


def design_of_result(opts, data: SnapshotData, assoc: Association, sdp, res: SubspaceResult, bound, draws: int = 0):
    """The design of a subspace result's matrices and its certificate (``finish.design_of_blocks``)."""
    nts = [b.tx_antennas for b in data.network.base_stations]
    covariances = [np.zeros((n, n), complex) for n in nts]
    sensing: list[np.ndarray | None] = [None] * len(nts)
    users, blocks = [], []
    for X, (blk, m) in enumerate(zip(sdp.blocks, res.matrices)):
        if X in sdp.aux_rows:  # an auxiliary scalar (angle information), not a covariance
            continue
        m = psd_part(m) * data.p_ref
        for b, o in zip(blk.bss, blk.offsets):
            covariances[b] += m[o:o + nts[b], o:o + nts[b]]
        if blk.user is not None:
            users.append(blk)
            blocks.append(m)
        else:
            sensing[blk.bs] = m
    return design_of_blocks(opts, data, assoc, users, blocks, covariances, sensing, bound, draws=draws)


def solution(opts, data: SnapshotData, certified, bound, records: list[SolveRecord], t0: float, te: float,
             note: str = "", local: bool = False) -> Solution:
    """The Solution of a certified design ``(design, certificate, evaluation, objective)``; ``local``: from
    a local method (``local_optimum``)."""
    design, cert, ev, obj = certified
    return make_solution(
        status=certified_status(True, accurate=True, local=local), reason=note, problem=repr(opts), objective_name=opts.objective,
        objective_unit=opts.objective_class.unit, objective=obj, bound=bound, records=records, evaluation=ev,
        design=design, certificate=cert, network=data.network,
        timing=Timing(solve_s=sum(r.wall_s for r in records), solver_s=sum(r.solver_s for r in records),
                      extract_s=time.perf_counter() - te, total_s=time.perf_counter() - t0, recompiled=False))

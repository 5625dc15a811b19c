"""Solve one (sub-)problem: the solver chain, extraction, certification, infeasibility analysis."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

import cvxpy as cp
import numpy as np

from ..design import TransmitDesign
from ..evaluate import evaluate
from ..formulation.data import SnapshotData
from ..formulation.realsdp import real_form
from ..results import Certificate
from ..solve import extract
from ..solve.bisection import bisect, single_user_bound_db
from ..solve.certify import Checks, certificate, is_sinr_label
from ..solve.explain import phase_one
from ..solve.runner import DEFAULT_CHAIN, Attempt, SolveRecord, run, run_chain
from ..solve.sinr_room import room_text, sinr_room_db
from ..terms.base import Variables
from .compiled import CompiledSDP
from .preparation import association_of
from .sensing_bisection import sensing_levels
from .socp import CompiledSOCP
from .structure import Structure

if TYPE_CHECKING:
    from .coordinated import CoordinatedBeamforming


@dataclass
class Outcome:
    """What one (sub-)problem gave: a certified design, or why not."""

    status: str                                  # solved | infeasible | time_limit | failed
    data: SnapshotData
    records: list[SolveRecord] = field(default_factory=list)
    design: TransmitDesign | None = None
    certificate: Certificate | None = None
    bound: float | None = None
    accurate: bool = True
    reason: str = ""
    conflicts: list[str] = field(default_factory=list)
    recompiled: bool = False
    compile_s: float = 0.0


def checks_for(opts: "CoordinatedBeamforming", st: Structure) -> Checks:
    floor = None if opts.sensing_sinr_db is None else 10 ** (opts.sensing_sinr_db / 10)
    sinr_users = st.sinr_users if opts.objective_class.hard_sinr_targets else ()
    return Checks(sinr_users, opts.per_antenna_power, opts.beampattern_floor_w, floor, st.eavesdroppers > 0)


def optimise_compiled(opts: "CoordinatedBeamforming", data: SnapshotData, st: Structure,
                       chain: tuple[Attempt, ...], time_limit_s: float | None, relaxation: str) -> Outcome:
    compiled, recompiled = opts._compiled_for(st, relaxation)
    compiled.update(data)
    out = Outcome("failed", data, recompiled=recompiled)
    if opts.objective_class.bisection:
        _bisection(opts, data, compiled, chain, time_limit_s, out)
    elif opts.objective_class.sensing_level:  # the users keep their targets: the data are the same at every level
        set_level, lo_db, hi_db = sensing_levels(data, compiled)
        level_search(opts, compiled, chain, time_limit_s, out, lambda db: data, set_level, lo_db, hi_db)
    else:
        _chain(opts, data, compiled, chain, time_limit_s, out)
    out.compile_s = float(getattr(compiled.problem, "compilation_time", 0.0) or 0.0) if recompiled else 0.0
    return out


def _chain(opts, data, compiled, chain, time_limit_s, out: Outcome) -> None:
    def certified(rec) -> bool:  # a solve counts when its extracted design certifies; else the next attempt
        _accept(opts, data, compiled, compiled.bound_si(data), rec.outcome == "optimal", out)
        return out.status == "solved"

    before = len(out.records)
    ended = run_chain(compiled.problem, chain, out.records, time_limit_s=time_limit_s, accept=certified)
    if ended.outcome == "solved" and opts.objective_class.rescaled(compiled):  # the same problem, level near 1
        ended = run_chain(compiled.problem, chain, out.records, time_limit_s=time_limit_s, accept=certified)
    compiled.solves += len(out.records) - before
    if ended.outcome == "solved":
        return
    if ended.outcome == "infeasible":
        _infeasible(opts, data, compiled, out)
        return
    if ended.outcome == "time_limit":
        out.status, out.reason = "time_limit", f"time limit of {time_limit_s} s reached"
        return
    tried = "; ".join(r.describe() for r in out.records)
    if out.certificate is not None:
        out.reason = (f"no attempt gave a certified design (worst: {out.certificate.worst_constraint}, violation "
                      f"{out.certificate.max_violation:.2e}){_room(compiled, out.certificate)}; attempts: {tried}")
    else:
        out.reason = f"every solver attempt failed: {tried}"
    out.status = "failed"


def _room(compiled, cert: Certificate) -> str:
    """When an SINR target is what the designs missed: how much room the targets leave (solve/sinr_room.py),
    one more solve on a path that has already failed."""
    if not is_sinr_label(cert.worst_constraint) or not hasattr(compiled, "terms"):
        return ""
    return room_text(sinr_room_db(compiled.terms, compiled.vars))


def _accept(opts, data, compiled, bound, accurate, out: Outcome) -> None:
    accept_design(opts, data, compiled.structure, extract_design(opts, data, compiled), bound, accurate, out)


def accept_design(opts, data: SnapshotData, st: Structure, extracted: tuple[TransmitDesign, bool, str],
                  bound: float | None, accurate: bool, out: Outcome) -> None:
    """Evaluate and certify an extracted design; ``out`` becomes solved when the certificate holds."""
    design, rank_one, method = extracted
    ev = evaluate(data.network, data.channels, design, association_of(data), nulls=data.nulls,
                  sinr_targets=data.sinr_targets)
    cert = certificate(data, design, ev, checks_for(opts, st), rank_one=rank_one, extraction=method,
                       objective=opts.objective_class.value(opts, data, ev, design), bound=bound, tol=opts.certificate_tol,
                       db=opts.objective_class.unit == "dB")
    out.design, out.certificate, out.bound, out.accurate = design, cert, bound, accurate
    out.status = "solved" if cert.holds else "failed"


def explain_infeasible(opts: "CoordinatedBeamforming", data: SnapshotData, st: Structure,
                       proven: Outcome) -> Outcome:
    """The outcome of a problem already proven infeasible (``proven``: the records that prove it; for a
    sensing-level search, at its lowest level, the only level a search without a reachable one proves): the
    conflicting constraints, named on the compiled SDP's terms without solving it (its solver chain would
    only prove the same again: on an infeasible seven-cell snapshot two failed Clarabel attempts, 24 s)."""
    compiled, recompiled = opts._compiled_for(st, "sdp")
    compiled.update(data)
    if opts.objective_class.sensing_level:  # proven at the level search's lowest level: explained there, as
        set_level, lowest, _ = sensing_levels(data, compiled)  # the SDP path's own search would
        set_level(lowest)
    out = Outcome("failed", data, records=list(proven.records), recompiled=recompiled)
    _infeasible(opts, data, compiled, out)
    return out


def _infeasible(opts, data, compiled, out: Outcome) -> None:
    if isinstance(compiled, CompiledSOCP):
        compiled = CompiledSDP(opts, compiled.structure)
        compiled.update(data)
    conflicts, _ = phase_one(compiled.terms, compiled.vars, data, backoff=opts.explain_backoff)
    out.status, out.conflicts = "infeasible", conflicts or []
    out.reason = ("infeasible: these constraints cannot hold together: " + "; ".join(conflicts) if conflicts else
                  "infeasible (the solver's certificate of infeasibility); no single constraint could be named")


def _bisection(opts, data, compiled, chain, time_limit_s, out: Outcome) -> None:
    served = list(compiled.structure.sinr_users)
    sinr = compiled.terms["sinr"]

    def at(db: float) -> SnapshotData:
        target = 10 ** (db / 10)
        return replace(data, sinr_targets=tuple(target if k in served else None for k in range(data.network.n_users)))

    def set_level(db: float) -> None:
        sinr.set_targets({k: 10 ** (db / 10) for k in served})

    level_search(opts, compiled, chain, time_limit_s, out, at, set_level, -30.0,
                 single_user_bound_db(data, served) + 1e-6)


def level_search(opts, compiled, chain, time_limit_s, out: Outcome, at: Callable[[float], SnapshotData],
                 set_level: Callable[[float], None], lo_db: float, hi_db: float) -> None:
    """Bisection on a common level [dB] (the users' SINR, or the targets' sensing SINR): ``set_level`` puts a
    level into ``compiled``, ``at(level)`` is the snapshot data whose constraints the design must meet there.

    A level counts as reached only when a solve's extracted design certifies at it (else the next attempt of
    the chain runs), and as out of reach only when the solver proves it infeasible; a level where nothing is
    shown either way narrows the search like an infeasible one (conservative for the design) but is not
    reported as the bound, which is the lowest level proven out of reach (or the single-node bound)."""
    best: dict = {}

    def feasible(db: float) -> bool | None:
        set_level(db)
        data_at = at(db)
        step = Outcome("failed", data_at)

        def certified(rec) -> bool:
            if not cheap_extraction(opts, data_at, compiled):
                return True  # Gaussian randomisation: certified once, at the final level
            _accept(opts, data_at, compiled, None, rec.outcome == "optimal", step)
            return step.status == "solved"

        before = len(out.records)
        ended = run_chain(compiled.problem, chain, out.records, time_limit_s=time_limit_s, accept=certified)
        compiled.solves += len(out.records) - before
        if ended.outcome == "solved":
            best.update(db=db, values=compiled.values(), accurate=ended.record.outcome == "optimal")
            return True
        if ended.outcome == "infeasible" and step.certificate is None:
            return False
        best.setdefault("uncertified", step)  # a design that missed its certificate, for the reason
        return None

    result = bisect(feasible, lo_db, hi_db, opts.bisection_tol_db)
    level = lo_db if result.lo_db is None else result.lo_db
    set_level(level)
    out.data = at(level)
    if "values" not in best:
        if result.proven_hi_db <= lo_db:
            _infeasible(opts, out.data, compiled, out)
            return
        tried = "; ".join(r.describe() for r in out.records[-6:])
        miss = best.get("uncertified")
        why = (f"the designs missed their certificate (worst: {miss.certificate.worst_constraint}, violation "
               f"{miss.certificate.max_violation:.2e})" if miss is not None and miss.certificate is not None
               else "no solver attempt solved it")
        out.status, out.reason = "failed", f"not even the lowest level ({lo_db:.0f} dB) was certified: {why}; " \
                                           f"last attempts: {tried}"
        return
    compiled.restore(best["values"])
    _accept(opts, out.data, compiled, result.proven_hi_db, best["accurate"], out)
    if out.status != "solved":
        out.reason = (f"certificate failed at the best level {level:.3f} dB: {out.certificate.worst_constraint} "
                      f"violated by {out.certificate.max_violation:.2e}")


def cheap_extraction(opts, data: SnapshotData, compiled) -> bool:
    """True when the design follows from the relaxation directly (sensing streams keep every covariance, or
    every user's matrix is rank one); False when it needs Gaussian randomisation."""
    if opts.sensing_streams or isinstance(compiled, CompiledSOCP):
        return True
    users, _ = compiled.values()
    return extract.is_rank_one({k: s * data.p_ref for k, s in users.items()})


# -- extraction --------------------------------------------------------------------------
def extract_design(opts, data: SnapshotData, compiled) -> tuple[TransmitDesign, bool, str]:
    if isinstance(compiled, CompiledSOCP):
        return compiled.design(data), True, "socp"
    users, sens = compiled.values()
    w, r0 = extract.full_matrices(data, {k: s * data.p_ref for k, s in users.items()},
                                  [None if s is None else s * data.p_ref for s in sens])
    return design_from(opts, data, compiled.structure, w, r0)


def design_from(opts, data: SnapshotData, st: Structure, w: dict[int, np.ndarray],
                r0: list[np.ndarray]) -> tuple[TransmitDesign, bool, str]:
    """Beams from the relaxation's full Nt x Nt matrices (SI units): the extraction, its rank flag and name."""
    rank_one = extract.is_rank_one(w)
    if opts.sensing_streams:
        return extract.hua_xu_han(data, w, r0), rank_one, "hua-xu-han"
    if rank_one:
        return extract.principal(data, w, r0), True, "eigen"
    return randomise(opts, data, st, w), False, "gaussian-randomisation"


def randomise(opts, data: SnapshotData, st: Structure, w: dict[int, np.ndarray]) -> TransmitDesign:
    """Best certified design among the principal directions and Gaussian draws, powers re-optimised."""
    rng = np.random.default_rng(opts.seed)
    checks = checks_for(opts, st)
    best, best_val = None, None
    sign = opts.objective_class.sign()
    for cand in extract.gaussian_candidates(w, opts.randomisations, rng):
        design = powers_along(opts, data, st, cand)
        if design is None:
            continue
        ev = evaluate(data.network, data.channels, design, association_of(data), sinr_targets=data.sinr_targets)
        if not certificate(data, design, ev, checks, rank_one=True, extraction="", objective=None, bound=None,
                           tol=opts.certificate_tol).holds:
            continue
        val = opts.objective_class.value(opts, data, ev, design)
        if best_val is None or sign * val < sign * best_val:
            best, best_val = design, val
    if best is None:  # nothing certified: the principal eigenvectors, flagged by the certificate
        zero = [np.zeros((b.tx_antennas,) * 2, complex) for b in data.network.base_stations]
        return extract.principal(data, w, zero)
    return best


def powers_along(opts, data: SnapshotData, st: Structure, directions: dict[int, np.ndarray]):
    """The same problem with W_k = p_k u_k u_k^H: a small convex problem in the powers p."""
    order = sorted(directions)
    p = cp.Variable(len(order), nonneg=True)
    user = {}
    for i, k in enumerate(order):
        z = data.reduced(data.serving[k], directions[k])
        user[k] = p[i] * cp.Constant(real_form(np.outer(z, z.conj())))
    fixed = CompiledSDP(opts, st, variables=Variables(st.dims, user, [None] * len(st.dims), st.serving, psd=[]))
    fixed.update(data)
    if opts.objective_class.bisection:  # the best common level along these directions, by bisection
        sinr = fixed.terms["sinr"]
        best: dict = {}

        def feasible(db: float) -> bool:
            sinr.set_targets({k: 10 ** (db / 10) for k in st.sinr_users})
            ok = run(fixed.problem, DEFAULT_CHAIN[0]).outcome == "optimal"
            if ok:
                best["p"] = np.asarray(p.value).copy()
            return ok

        level_db = float(10 * np.log10(max(data.sinr_targets[k] for k in st.sinr_users)))
        if bisect(feasible, -30.0, level_db + 1e-6, 0.01).lo_db is None:
            return None
        p.save_value(best["p"])
    else:
        rec = run(fixed.problem, DEFAULT_CHAIN[0])
        if rec.outcome not in ("optimal", "inaccurate"):
            return None
    design = TransmitDesign.zeros(data.network)
    for i, k in enumerate(order):
        u = directions[k] / np.linalg.norm(directions[k])
        design.beams[data.serving[k]][:, k] = u * np.sqrt(max(float(p.value[i]), 0.0) * data.p_ref)
    return design

"""From a solved cooperative SDP to a certified Solution: extraction, repair, certificate."""

from __future__ import annotations

import time

from ..evaluate import evaluate
from ..results import Solution, Timing
from ..solve.certify import Checks, certificate
from ..solve.explain import phase_one
from ..solve.outcome import certified_status, make_solution
from .compiled import CompiledCoop
from .extract import chosen_part, extract_blocks, solved_blocks, solved_covariances, solved_sensing, within_split
from .polish import candidate_directions, repair_coherent

RELAXATION = object()
REPAIR_DRAWS = 30  # Gaussian direction draws tried when the stacked coherent beams cannot be repaired


def _better(opts, a: float, b: float) -> bool:
    return opts.objective_class.better(a, b)


def design_from(opts, data, assoc, compiled: CompiledCoop, bound, draws: int = 0):
    """The extracted design and its certificate; coherent JT that fails is repaired (see polish.py)."""
    gated = "gates" in compiled.terms
    return design_of_blocks(opts, data, assoc, compiled.vars.blocks, solved_blocks(data, compiled.vars),
                            solved_covariances(data, compiled.vars), solved_sensing(data, compiled.vars), bound,
                            gated=gated, draws=draws)


def design_of_blocks(opts, data, assoc, meta, blocks, covariances, sensing, bound, *, gated: bool = False,
                     draws: int = 0):
    """``design_from`` on solved user blocks [W] (``meta``: their users, BSs, offsets), covariances R_b and
    sensing covariances R0_b (None where a BS has none) [W]."""
    design, rank_one, method = extract_blocks(data, meta, blocks, covariances, opts.joint_transmission == "coherent",
                                              assoc.serving if gated else None)
    if opts.comm_fraction is not None:
        caps = [(1 - opts.comm_fraction) * b.power_w for b in data.network.base_stations]
        design = within_split(design, caps, sensing)
    cert, ev, obj = certify(opts, data, assoc, design, rank_one, method, bound)
    if not cert.holds and opts.joint_transmission == "coherent":
        best = None
        if gated:  # compiled for every candidate link: the chosen clusters' parts
            nts = [b.tx_antennas for b in data.network.base_stations]
            blocks = [chosen_part(blk, m, assoc.serving[blk.user], nts) for blk, m in zip(meta, blocks)]
        for i, dirs in enumerate([None] + candidate_directions(blocks, draws or REPAIR_DRAWS)):
            repaired = repair_coherent(data, assoc, design, dirs,
                                       keep_power=opts.objective_class.crlb
                                       or any(lim is not None for lim in opts.limits(data.network)))
            if repaired is None:
                continue
            label = method + (" + power repair" if i == 0 else " + eigenvector" if i == 1 else " + randomisation")
            trial = certify(opts, data, assoc, repaired, rank_one, label, bound)
            if trial[0].holds and (best is None or _better(opts, trial[2], best[0][2])):
                best = (trial, repaired)
        if best is not None:
            (cert, ev, obj), design = best
    return design, cert, ev, obj


def finish(opts, data, assoc, compiled: CompiledCoop, records, t0, recompiled, *, bound=RELAXATION,
           local: bool = False, note: str = "", certified=None) -> Solution:
    """``bound``: the relaxation's value unless given (rate objectives; None: no bound); ``local``:
    a local method, no optimality claim; ``certified``: a ``design_from`` result already at hand."""
    te = time.perf_counter()
    if bound is RELAXATION:
        bound = None if local else compiled.bound_si()
    design, cert, ev, obj = certified or design_from(opts, data, assoc, compiled, bound)
    if not cert.holds and not local:
        # an "optimal" answer whose design misses a target by more than rounding is often an
        # infeasible problem the solver did not recognise: the phase-1 slacks say which
        conflicts, _ = phase_one(compiled.terms, compiled.vars, data)
        if conflicts:
            return status_solution(opts, "infeasible", "infeasible: " + "; ".join(conflicts) +
                                   f" (the solver's 'optimal' design missed {cert.worst_constraint} by "
                                   f"{cert.max_violation:.1e})", t0, records, conflicts, recompiled, data.network)
    reason = note if cert.holds else f"certificate failed: {cert.worst_constraint} violated by {cert.max_violation:.2e}"
    return make_solution(
        status=certified_status(cert.holds, accurate=compiled.accurate, local=local), reason=reason,
        problem=repr(opts), objective_name=opts.objective, objective_unit=opts.objective_class.unit, objective=obj,
        bound=bound, records=records, evaluation=ev, design=design, certificate=cert, network=data.network,
        timing=Timing(compile_s=float(getattr(compiled.problem, "compilation_time", 0) or 0) if recompiled else 0.0,
                      solve_s=sum(r.wall_s for r in records), solver_s=sum(r.solver_s for r in records),
                      extract_s=time.perf_counter() - te, total_s=time.perf_counter() - t0, recompiled=recompiled))


def certify(opts, data, assoc, design, rank_one, method, bound):
    ev = evaluate(data.network, data.channels, design, assoc, joint=opts.joint_transmission, pairs=opts.pairs,
                  sensing_level=opts.sensing_level, sinr_targets=data.sinr_targets, crlb=opts.crlb_model)
    obj = opts.objective_class.value(opts, data, ev, design)
    extra = {}
    for t, lim in enumerate(opts.limits(data.network)):
        if lim is not None:
            extra[f"root CRLB of {data.network.targets[t].id}"] = max(0.0, (ev.position_crlb[t] - lim**2) / lim**2)
    for b, bs in enumerate(data.network.base_stations):
        if opts.enforce_backhaul and bs.backhaul_bps:
            extra[f"backhaul of {bs.id}"] = max(0.0, (ev.load[b] - bs.backhaul_bps) / bs.backhaul_bps)
        if opts.comm_fraction is not None:  # the fixed split: data power <= rho P_b, sensing power <= (1 - rho) P_b
            shares = (("data", design.comm_power_w[b], opts.comm_fraction),
                      ("sensing", design.sensing_power_w[b], 1 - opts.comm_fraction))
            for name, used, share in shares:
                extra[f"{name} power share of {bs.id}"] = max(0.0, float(used) - share * bs.power_w) / bs.power_w
    sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
    checks = Checks(sinr_users=sinr_users, eavesdroppers=data.network.n_eavesdroppers > 0)
    cert = certificate(data, design, ev, checks, rank_one=rank_one, extraction=method,
                       objective=obj, bound=bound, tol=opts.certificate_tol, extra=extra)
    return cert, ev, obj


def status_solution(opts, status, reason, t0, records, conflicts, recompiled=False, network=None) -> Solution:
    """A Solution without a design (infeasible, failed, time limit)."""
    return make_solution(status=status, reason=reason, problem=repr(opts), objective_name=opts.objective,
                         objective_unit=opts.objective_class.unit, records=records, conflicts=conflicts, network=network,
                         timing=Timing(total_s=time.perf_counter() - t0, recompiled=recompiled,
                                       solve_s=sum(r.wall_s for r in records)))

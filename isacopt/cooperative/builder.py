"""Cooperative ISAC: CoMP joint transmission with a distributed MIMO radar (SPEC.md 4, 5.4, 7, 9).

Work in progress (issue 4): min_sum_crlb, min_max_crlb and min_power are implemented and
tested; max-min / sum rate, weighted objectives, the frontier and problem-file support are
not yet. With coherent joint transmission the stacked extraction is not always exact; the
certificate then reports ``solver_failure`` rather than an uncertified design.

User k is served by its cluster C_k (``comm_cluster`` nearest BSs), coherently
(one stacked beamformer) or non-coherently (independent beams whose powers add);
target t is localised by its cluster Q_t (``sensing_cluster`` nearest BSs) with the
pair set ``pairs``. Relaxation (W_k >= 0 per block, R0_b >= 0):

    min_sum_crlb:  min  sum_t tr(J_t^{-1})      min_max_crlb:  min max_t tr(J_t^{-1})
    min_power:     min  sum_b tr(R_b)

s.t. SINR_k >= Gamma_k (from sinr_db or rate_bps_hz), tr(R_b) <= P_b, optional root-CRLB
limits tr(J_t^{-1}) <= eps_t^2, an optional fixed power split (comm power <= rho P_b,
sensing power <= (1 - rho) P_b), and per-BS backhaul load <= capacity (SPEC.md 7; the load
is fixed by the clusters and the rate targets, so it is checked before solving).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Literal

import cvxpy as cp
import numpy as np
from pydantic import Field, PrivateAttr, model_validator

from .._model import FrozenModel
from ..association import Association
from ..builders.coordinated import _versions
from ..channels.derive import derive_channels
from ..errors import ValidationError
from ..evaluate import evaluate
from ..formulation.data import SnapshotData
from ..formulation.nullspace import NullSpaces
from ..metrics.backhaul import backhaul_load
from ..network.model import Network
from ..results import Solution, Timing
from ..solve.certify import Checks, certificate
from ..solve.explain import phase_one
from ..solve.runner import DEFAULT_CHAIN, Attempt, run
from ..terms.jt_sinr import JointSinr
from ..terms.position_crlb import PositionCrlb
from ..terms.power import PowerBudget
from ..design import TransmitDesign
from ..formulation.realsdp import to_complex
from ..solve.extract import psd_part
from .extract import extract
from .variables import CoMPVariables, blocks_for

UNITS = {"min_sum_crlb": "m^2", "min_max_crlb": "m^2", "min_power": "W"}


class CooperativeISAC(FrozenModel):
    """Declarative cooperative ISAC problem (problem files: ``kind: cooperative_isac``)."""

    kind: Literal["cooperative_isac"] = "cooperative_isac"
    objective: Literal["min_sum_crlb", "min_max_crlb", "min_power"] = "min_sum_crlb"
    comm_cluster: int = Field(1, ge=1, le=1000, description="L: each user is served by its L nearest BSs")
    sensing_cluster: int = Field(2, ge=1, le=1000, description="Q: each target is sensed by its Q nearest BSs")
    pairs: Literal["fusion", "multistatic", "coherent"] = "multistatic"
    joint_transmission: Literal["coherent", "non_coherent"] = "coherent"
    sinr_db: float | None = Field(None, ge=-50, le=80, description="SINR target for users without their own [dB]")
    rate_bps_hz: float | None = Field(None, gt=0, le=30, description="rate target instead of sinr_db")
    root_crlb_m: float | None = Field(None, gt=0, le=1e6, description="root-CRLB limit for targets without their own")
    comm_fraction: float | None = Field(None, ge=0, le=1, description="fixed share rho of each budget for data")
    sensing_streams: bool = True
    receiver: Literal["type1", "type2"] | None = None
    enforce_backhaul: bool = True
    certificate_tol: float = Field(1e-6, gt=0, le=1e-1)

    _cache: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _one_target_kind(self) -> "CooperativeISAC":
        if self.sinr_db is not None and self.rate_bps_hz is not None:
            raise ValueError("give sinr_db or rate_bps_hz, not both")
        return self

    # -- public ---------------------------------------------------------------------------
    def solve(self, network: Network, *, time_limit_s: float | None = None,
              chain: tuple[Attempt, ...] = DEFAULT_CHAIN) -> Solution:
        t0 = time.perf_counter()
        data, assoc = self._prepare(network)
        over = self._backhaul_excess(data, assoc)
        if over:
            return self._status("infeasible", "backhaul capacity exceeded: " + "; ".join(over), t0, [], over)
        compiled, recompiled = self._compiled(data, assoc)
        compiled.update(data)
        records: list = []
        outcome = self._chain(compiled, chain, time_limit_s, records)
        if outcome != "solved":
            conflicts: list[str] = []
            if outcome == "infeasible":
                conflicts, _ = phase_one(compiled.terms, compiled.vars, data)
                conflicts = conflicts or []
                reason = "infeasible: " + ("; ".join(conflicts) if conflicts else "the solver proved infeasibility")
            else:
                reason = "; ".join(r.describe() for r in records)
            status = {"infeasible": "infeasible", "time_limit": "time_limit"}.get(outcome, "solver_failure")
            return self._status(status, reason, t0, records, conflicts, recompiled)
        return self._finish(data, assoc, compiled, records, t0, recompiled)

    # -- preparation --------------------------------------------------------------------
    def _prepare(self, network: Network) -> tuple[SnapshotData, Association]:
        for name, size in (("comm_cluster", self.comm_cluster), ("sensing_cluster", self.sensing_cluster)):
            if size > network.n_bs:
                raise ValidationError([(name, f"{size} is larger than the number of base stations ({network.n_bs})")])
        if self.objective in ("min_sum_crlb", "min_max_crlb") and network.n_targets == 0:
            raise ValidationError([("objective", f"{self.objective!r} needs at least one target")])
        if self.receiver is not None:
            network = network.with_updates(users=[u.model_copy(update={"receiver": self.receiver})
                                                  for u in network.users])
        channels = derive_channels(network)
        assoc = Association.nearest(network, comm_cluster=self.comm_cluster, sensing_cluster=self.sensing_cluster)
        default = self.sinr_db if self.rate_bps_hz is None else 10 * math.log10(2 ** self.rate_bps_hz - 1)
        targets = tuple(None if (db := (u.sinr_db if u.sinr_db is not None else default)) is None
                        else 10 ** (db / 10) for u in network.users)
        eye = tuple(np.eye(b.tx_antennas, dtype=complex) for b in network.base_stations)
        nulls = NullSpaces(eye, (0,) * network.n_bs, ((),) * network.n_bs, ((),) * network.n_bs)
        data = SnapshotData(network, channels, tuple(c[0] for c in assoc.serving), tuple(c[0] for c in assoc.sensing),
                            nulls, targets, max(b.power_w for b in network.base_stations))
        return data, assoc

    def _limits(self, network: Network) -> tuple[float | None, ...]:
        return tuple(t.root_crlb_m if t.root_crlb_m is not None else self.root_crlb_m for t in network.targets)

    def _sensing_level(self) -> str:
        return "data" if self.pairs == "fusion" else "signal"

    def _backhaul_excess(self, data: SnapshotData, assoc: Association, rates=None) -> list[str]:
        if not self.enforce_backhaul:
            return []
        net = data.network
        if rates is None:
            rates = [0.0 if g is None else math.log2(1 + g) for g in data.sinr_targets]
        load = backhaul_load(net, assoc, rates, self._sensing_level())  # type: ignore[arg-type]
        return [f"backhaul of {b.id}: {load[i]:.4g} bit/s > capacity {b.backhaul_bps:.4g} bit/s"
                for i, b in enumerate(net.base_stations) if b.backhaul_bps is not None and load[i] > b.backhaul_bps * (1 + 1e-9)]

    # -- the SDP ---------------------------------------------------------------------------
    def _compiled(self, data: SnapshotData, assoc: Association):
        net = data.network
        antennas = tuple(b.tx_antennas for b in net.base_stations)
        sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
        type2 = tuple(u.receiver == "type2" for u in net.users)
        limits = tuple(lim is not None for lim in self._limits(net))
        key = (antennas, assoc.serving, assoc.sensing, sinr_users, type2, limits)
        if key in self._cache:
            return self._cache[key], False
        compiled = _Compiled(self, antennas, assoc, sinr_users, type2, limits)
        self._cache[key] = compiled
        return compiled, True

    def _chain(self, compiled, chain, time_limit_s, records) -> str:
        for attempt in chain:
            rec = run(compiled.problem, attempt, time_limit_s=time_limit_s)
            records.append(rec)
            if rec.outcome in ("optimal", "inaccurate"):
                compiled.accurate = rec.outcome == "optimal"
                return "solved"
            if rec.outcome in ("infeasible", "time_limit"):
                return rec.outcome
        return "failed"

    # -- the Solution ------------------------------------------------------------------------
    def _finish(self, data, assoc, compiled, records, t0, recompiled) -> Solution:
        te = time.perf_counter()
        bound = compiled.bound_si()
        design, rank_one, method = extract(data, compiled.vars, self.joint_transmission == "coherent")
        cert, ev, obj = self._certify(data, assoc, design, rank_one, method, bound)
        if not cert.holds and self.joint_transmission == "coherent":
            repaired = self._repair(data, assoc, compiled, design, records)
            if repaired is not None:
                design, method = repaired, method + " + power re-optimisation"
                cert, ev, obj = self._certify(data, assoc, design, rank_one, method, bound)
        status = ("optimal" if compiled.accurate else "optimal_reduced_accuracy") if cert.holds else "solver_failure"
        return Solution(
            status=status, reason="" if cert.holds else
            f"certificate failed: {cert.worst_constraint} violated by {cert.max_violation:.2e}",
            problem=repr(self), objective_name=self.objective, objective_unit=UNITS[self.objective], objective=obj,
            bound=bound, solver=records[-1].attempt, attempts=[r.describe() for r in records], users=ev.users,
            targets=ev.targets, base_stations=ev.base_stations, network=ev.network, certificate=cert,
            timing=Timing(compile_s=float(getattr(compiled.problem, "compilation_time", 0) or 0) if recompiled else 0.0,
                          solve_s=sum(r.wall_s for r in records), solver_s=sum(r.solver_s for r in records),
                          extract_s=time.perf_counter() - te, total_s=time.perf_counter() - t0, recompiled=recompiled),
            versions=_versions(), seed=getattr(data.network.channels, "seed", None),
        ).with_design(design)

    def _repair(self, data, assoc, compiled, design, records):
        """Keep the extracted beam directions, re-optimise their powers and the sensing covariances."""
        net = data.network
        dirs = []
        for blk in compiled.vars.blocks:
            w = np.concatenate([design.beams[b][:, blk.user] for b in blk.bss])
            n = np.linalg.norm(w)
            dirs.append(w / n if n > 0 else np.ones(blk.size) / np.sqrt(blk.size))
        sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
        fixed = _Compiled(self, tuple(b.tx_antennas for b in net.base_stations), assoc, sinr_users,
                          tuple(u.receiver == "type2" for u in net.users), tuple(
                              lim is not None for lim in self._limits(net)), directions=dirs)
        fixed.update(data)
        if "sinr" in fixed.terms:
            fixed.terms["sinr"].set_targets({k: data.sinr_targets[k] for k in sinr_users})
        rec = run(fixed.problem, DEFAULT_CHAIN[0])
        records.append(rec)
        if rec.outcome not in ("optimal", "inaccurate"):
            return None
        p = np.clip(np.asarray(fixed.vars.p.value), 0, None) * data.p_ref
        beams = [np.zeros((b.tx_antennas, net.n_users), complex) for b in net.base_stations]
        for blk, u, pi in zip(fixed.vars.blocks, dirs, p):
            for b, o in zip(blk.bss, blk.offsets):
                beams[b][:, blk.user] = np.sqrt(pi) * u[o:o + net.base_stations[b].tx_antennas]
        sens = [np.zeros((b.tx_antennas,) * 2, complex) if s is None else
                psd_part(to_complex(np.asarray(s.value)) * data.p_ref) for b, s in zip(net.base_stations,
                                                                                  fixed.vars.sensing)]
        return TransmitDesign(tuple(beams), tuple(sens))

    def _certify(self, data, assoc, design, rank_one, method, bound):
        ev = evaluate(data.network, data.channels, design, assoc, joint=self.joint_transmission, pairs=self.pairs,
                      sensing_level=self._sensing_level())  # type: ignore[arg-type]
        obj = self._objective_value(data, ev, design)
        extra = {}
        for t, lim in enumerate(self._limits(data.network)):
            if lim is not None:
                extra[f"root CRLB of {data.network.targets[t].id}"] = max(0.0, (ev.position_crlb[t] - lim**2) / lim**2)
        for b, bs in enumerate(data.network.base_stations):
            if self.enforce_backhaul and bs.backhaul_bps:
                extra[f"backhaul of {bs.id}"] = max(0.0, (ev.load[b] - bs.backhaul_bps) / bs.backhaul_bps)
        sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
        cert = certificate(data, design, ev, Checks(sinr_users=sinr_users), rank_one=rank_one, extraction=method,
                           objective=obj, bound=bound, tol=self.certificate_tol, extra=extra)
        return cert, ev, obj

    def _objective_value(self, data, ev, design) -> float:
        o = self.objective
        if o == "min_sum_crlb":
            return float(np.sum(ev.position_crlb))
        if o == "min_max_crlb":
            return float(np.max(ev.position_crlb))
        return float(design.power_w.sum())

    def _status(self, status, reason, t0, records, conflicts, recompiled=False) -> Solution:
        return Solution(status=status, reason=reason, problem=repr(self), objective_name=self.objective,
                        objective_unit=UNITS[self.objective], attempts=[r.describe() for r in records],
                        conflicts=list(conflicts), versions=_versions(),
                        timing=Timing(total_s=time.perf_counter() - t0, recompiled=recompiled,
                                      solve_s=sum(r.wall_s for r in records)))


class _Compiled:
    """One cvxpy problem per structure; data enter through Parameters."""

    def __init__(self, opts: CooperativeISAC, antennas, assoc: Association, sinr_users, type2, limits,
                 directions=None):
        self.opts = opts
        blocks = blocks_for(assoc.serving, antennas, opts.joint_transmission == "coherent")
        self.vars = CoMPVariables(antennas, blocks, opts.sensing_streams, directions)
        self.terms = {"power": PowerBudget(len(antennas))}
        if sinr_users:
            self.terms["sinr"] = JointSinr(list(sinr_users), blocks, antennas, type2)
        uses_crlb = opts.objective in ("min_sum_crlb", "min_max_crlb") or any(limits)
        if uses_crlb:
            self.terms["crlb"] = _CrlbWithLimits(assoc.sensing, antennas, opts.pairs, limits)
        cons = list(self.vars.psd) + [c for t in self.terms.values() for c in t.constraints(self.vars)]
        if opts.comm_fraction is not None:
            self.split = cp.Parameter(len(antennas), nonneg=True, name="comm_cap")
            self.sense_cap = cp.Parameter(len(antennas), nonneg=True, name="sense_cap")
            for b in range(len(antennas)):
                cons.append(self.vars.comm_power(b) <= self.split[b])
                cons.append(self.vars.power(b) - self.vars.comm_power(b) <= self.sense_cap[b])
        o = opts.objective
        if o == "min_sum_crlb":
            objective = cp.Minimize(cp.sum([self.terms["crlb"].crlb(t) for t in range(len(assoc.sensing))]))
        elif o == "min_max_crlb":
            s = cp.Variable(name="max_crlb")
            cons += [self.terms["crlb"].crlb(t) <= s for t in range(len(assoc.sensing))]
            objective = cp.Minimize(s)
        else:
            objective = cp.Minimize(cp.sum([self.vars.power(b) for b in range(len(antennas))]))
        self.problem = cp.Problem(objective, cons)
        self.accurate = True
        self._p_ref = 1.0

    def update(self, data: SnapshotData) -> None:
        self._p_ref = data.p_ref
        for term in self.terms.values():
            if isinstance(term, _CrlbWithLimits):
                term.update(data, self.opts._limits(data.network))
            else:
                term.update(data)
        if self.opts.comm_fraction is not None:
            rho = self.opts.comm_fraction
            self.split.value = np.array([rho * data.budget(b) for b in range(data.network.n_bs)])
            self.sense_cap.value = np.array([(1 - rho) * data.budget(b) for b in range(data.network.n_bs)])

    def bound_si(self) -> float | None:
        v = self.problem.value
        if v is None or not np.isfinite(v):
            return None
        if self.opts.objective in ("min_sum_crlb", "min_max_crlb"):
            return float(v) / self.terms["crlb"].j_ref
        return float(v) * self._p_ref



class _CrlbWithLimits(PositionCrlb):
    """PositionCrlb plus optional limits tr(X_t) <= j_ref eps_t^2 (soft-able residuals for phase 1)."""

    def __init__(self, clusters, antennas, pairs, limits):
        super().__init__(clusters, antennas, pairs)
        self.has_limit = limits
        self.limit = cp.Parameter(len(clusters), nonneg=True, name="crlb_limit")

    def residuals(self, v):
        return [(f"crlb:{t}", self.limit[t] - self.crlb(t)) for t, on in enumerate(self.has_limit) if on]

    def update(self, data, limits=None) -> None:  # type: ignore[override]
        super().update(data)
        self.limit.value = np.array([(lim**2 if lim is not None else 0.0) * self.j_ref for lim in (limits or [])]) \
            if limits else np.zeros(len(self.clusters))

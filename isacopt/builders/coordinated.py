"""Coordinated ISAC beamforming with interference nulling (SPEC.md sections 3-6, 10).

Each user is served by one BS (its nearest, or an explicit map); each target is
sensed by its nearest BS. BS b sends ``x_b = sum_k w_{b,k} s_k + s_{0,b}``. The
relaxation replaces ``w w^H`` by PSD matrices ``W_k`` (in each BS's null space):

.. math::

    \\begin{aligned}
    \\text{min\\_power:}\\quad & \\min \\textstyle\\sum_b \\operatorname{tr}(R_b) \\\\
    \\text{max\\_min\\_beampattern:}\\quad & \\max_t\\; \\min_t a_{b_t}(\\phi_t)^H R_{b_t} a_{b_t}(\\phi_t) \\\\
    \\text{max\\_min\\_sinr:}\\quad & \\max \\min_k \\mathrm{SINR}_k \\quad\\text{(bisection)} \\\\
    \\text{min\\_angle\\_crb:}\\quad & \\min \\textstyle\\sum_t \\mathrm{CRB}_t \\text{ or } \\max_t \\mathrm{CRB}_t \\\\
    \\text{weighted:}\\quad & \\max\\; \\rho\\, \\min_t \\frac{g_t}{N_t P_b} + (1-\\rho) \\min_k \\frac{g^{c}_k}{\\bar g^{c}_k}
    \\end{aligned}

subject to ``SINR_k >= Gamma_k`` (except ``weighted``, where the SINR margins
``g^c_k = (S_k/Gamma_k - I_k - sigma^2)/sigma^2``, divided by their ceiling
``P_b ||h_{b,k}||^2 / (Gamma_k sigma^2)``, enter the objective; both terms are at most 1),
``tr(R_b) <= P_b``, optional per-antenna power ``[R_b]_nn <= P_b/Nt``,
optional beampattern floors ``g_t >= floor`` and sensing-SINR floors.
``comm_cluster = L``: BS j nulls the users of its L-1 nearest BSs;
``sensing_cluster = Q``: BS j nulls its leakage into the receivers of its Q-1 nearest BSs.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Literal

import cvxpy as cp
import numpy as np
from pydantic import Field, PrivateAttr

from .._model import FrozenModel
from ..channels.derive import derive_channels
from ..design import TransmitDesign
from ..errors import ValidationError
from ..evaluate import Evaluation, evaluate
from ..formulation.data import SnapshotData
from ..formulation.realsdp import real_form
from ..metrics.comm import sensing_interference, stream_powers
from ..network.model import Network
from ..results import Solution, Timing
from ..solve import extract
from ..solve.bisection import bisect, single_user_bound_db
from ..solve.certify import Checks, certificate
from ..solve.explain import phase_one
from ..solve.runner import DEFAULT_CHAIN, Attempt, SolveRecord, run
from ..terms.base import Variables
from ..units import linear_to_db
from .compiled import CompiledSDP, margin_ceiling
from .preparation import association_of, prepare
from .socp import CompiledSOCP
from .structure import Structure

Objective = Literal["min_power", "max_min_beampattern", "max_min_sinr", "min_angle_crb", "weighted"]
UNITS = {"min_power": "W", "max_min_beampattern": "W", "max_min_sinr": "dB", "min_angle_crb": "rad^2",
         "weighted": "1"}


class CoordinatedBeamforming(FrozenModel):
    """Declarative coordinated ISAC beamforming problem; ``solve(network)`` returns a :class:`Solution`.

    Options are keyword-only and validated; the repr can be pasted back. A problem
    compiles once per structure (counts, null-space dimensions, who serves whom)
    and re-solves later snapshots of that structure by assigning Parameters.
    """

    kind: Literal["coordinated_beamforming"] = "coordinated_beamforming"
    objective: Objective = "max_min_beampattern"
    sinr_db: float | None = Field(None, ge=-50, le=80, description="SINR target for users without their own [dB]")
    comm_cluster: int = Field(1, ge=1, le=1000, description="L: BS j nulls the users of its L-1 nearest BSs")
    sensing_cluster: int = Field(1, ge=1, le=1000, description="Q: BS j nulls its leakage into its Q-1 nearest BSs")
    receiver: Literal["type1", "type2"] | None = Field(None, description="override every user's receiver type")
    sensing_streams: bool = Field(True, description="dedicated sensing signals R0_b (off: data beams only)")
    per_antenna_power: bool = False
    beampattern_floor_w: float | None = Field(None, gt=0, le=1e9, description="g_t >= floor for every target [W]")
    sensing_sinr_db: float | None = Field(None, ge=-100, le=100, description="sensing SINR floor per target [dB]")
    crb: Literal["sum", "max"] = "sum"
    weight: float = Field(0.5, ge=0, le=1, description="rho of the weighted objective (1: sensing only)")
    serving: dict[str, str] | None = Field(None, description="explicit user id -> BS id association")
    max_users_per_bs: int | None = Field(None, ge=0, le=10_000, description="serve at most this many users per BS")
    relaxation: Literal["sdp", "socp"] = "sdp"
    bisection_tol_db: float = Field(0.01, gt=0, le=3)
    randomisations: int = Field(16, ge=0, le=10_000)
    seed: int = Field(0, ge=0)
    certificate_tol: float = Field(1e-6, gt=0, le=1e-1)

    _cache: dict = PrivateAttr(default_factory=dict)

    # -- public API ---------------------------------------------------------------------
    def solve(self, network: Network, *, time_limit_s: float | None = None,
              chain: tuple[Attempt, ...] = DEFAULT_CHAIN) -> Solution:
        """Solve one snapshot. Infeasible and failed solves are statuses; bad input raises ValidationError."""
        t0 = time.perf_counter()
        data, st = self._prepare(network)
        compiled, recompiled = self._compiled_for(st)
        compiled.update(data)
        build_s = time.perf_counter() - t0
        if self.objective == "max_min_sinr":
            return self._solve_bisection(data, compiled, chain, time_limit_s, t0, build_s, recompiled)
        records: list[SolveRecord] = []
        last: Solution | None = None
        for attempt in chain:
            rec = run(compiled.problem, attempt, time_limit_s=time_limit_s)
            records.append(rec)
            compiled.solves += 1
            if rec.outcome == "infeasible":
                return self._infeasible(data, compiled, records, t0, build_s, recompiled)
            if rec.outcome == "time_limit":
                return self._empty("time_limit", f"time limit of {time_limit_s} s reached", records, t0, build_s,
                                   recompiled)
            if rec.outcome not in ("optimal", "inaccurate"):
                continue
            sol = self._finish(data, compiled, records, t0, build_s, recompiled)
            if sol.certificate is not None and sol.certificate.holds:
                return sol
            last = sol
        reason = "; ".join(r.describe() for r in records)
        if last is not None and last.certificate is not None:
            reason = (f"no attempt gave a certified design (worst: {last.certificate.worst_constraint}, "
                      f"violation {last.certificate.max_violation:.2e}); attempts: {reason}")
            return last.model_copy(update={"status": "solver_failure", "reason": reason}).with_design(last.design)
        return self._empty("solver_failure", f"every solver attempt failed: {reason}", records, t0, build_s, recompiled)

    def compiled_count(self) -> int:
        """How many structures this problem has compiled (a planner's cache check)."""
        return len(self._cache)

    # -- preparation ------------------------------------------------------------------
    def _prepare(self, network: Network) -> tuple[SnapshotData, Structure]:
        self._check(network)
        if self.receiver is not None:  # the override is part of the model: metrics must see it too
            network = network.with_updates(users=[u.model_copy(update={"receiver": self.receiver})
                                                  for u in network.users])
        channels = derive_channels(network)
        data = prepare(network, channels, serving=self.serving, max_users_per_bs=self.max_users_per_bs,
                       default_sinr_db=self.sinr_db, comm_cluster=self.comm_cluster,
                       sensing_cluster=self.sensing_cluster)
        served = tuple(k for k, b in enumerate(data.serving) if b >= 0)
        if self.objective == "max_min_sinr":
            sinr_users = served
            data = replace(data, sinr_targets=tuple(1.0 if k in served else None for k in range(network.n_users)))
        else:
            sinr_users = tuple(k for k in served if data.sinr_targets[k] is not None)
        if self.objective == "weighted" and not sinr_users:
            raise ValidationError([("sinr_db", "the weighted objective needs SINR targets (set sinr_db or users' "
                                    "sinr_db): they normalise the communication margins")])
        type2 = tuple(u.receiver == "type2" for u in network.users)
        return data, Structure.of(data, sinr_users, type2, self.sensing_streams)

    def _check(self, network: Network) -> None:
        o = self.objective
        problems = []
        if o in ("max_min_beampattern", "min_angle_crb", "weighted") and network.n_targets == 0:
            problems.append(("objective", f"{o!r} needs at least one target in the network"))
        if o in ("max_min_beampattern", "min_angle_crb", "weighted") and not self.sensing_streams \
                and network.n_users == 0:
            problems.append(("sensing_streams", "with no users and no sensing streams nothing is transmitted"))
        if o == "max_min_sinr" and network.n_users == 0:
            problems.append(("objective", "'max_min_sinr' needs at least one user"))
        if self.relaxation == "socp" and (o != "min_power" or self.beampattern_floor_w is not None
                                          or self.sensing_sinr_db is not None or self.per_antenna_power):
            problems.append(("relaxation", "'socp' applies to min_power with SINR constraints only (no sensing "
                             "floors, no per-antenna power); use 'sdp'"))
        if problems:
            raise ValidationError(problems)

    def _compiled_for(self, st: Structure):
        key = (st, self.relaxation)
        if key in self._cache:
            return self._cache[key], False
        compiled = CompiledSOCP(st) if self.relaxation == "socp" else CompiledSDP(self, st)
        self._cache[key] = compiled
        return compiled, True

    # -- after a successful solve --------------------------------------------------------
    def _checks(self, data: SnapshotData, st: Structure) -> Checks:
        floor = None if self.sensing_sinr_db is None else 10 ** (self.sensing_sinr_db / 10)
        sinr_users = () if self.objective == "weighted" else st.sinr_users
        return Checks(sinr_users, self.per_antenna_power, self.beampattern_floor_w, floor)

    def _extract(self, data: SnapshotData, compiled) -> tuple[TransmitDesign, bool, str]:
        if isinstance(compiled, CompiledSOCP):
            return compiled.design(data), True, "socp"
        users, sens = compiled.values()
        w, r0 = extract.full_matrices(data, {k: s * data.p_ref for k, s in users.items()},
                                      [None if s is None else s * data.p_ref for s in sens])
        rank_one = extract.is_rank_one(w)
        if self.sensing_streams:
            return extract.hua_xu_han(data, w, r0), rank_one, "hua-xu-han"
        if rank_one:
            return extract.principal(data, w, r0), True, "eigen"
        return self._randomise(data, compiled.structure, w), False, "gaussian-randomisation"

    def _randomise(self, data: SnapshotData, st: Structure, w: dict[int, np.ndarray]) -> TransmitDesign:
        """Best of the principal directions and Gaussian draws, each with its powers re-optimised."""
        rng = np.random.default_rng(self.seed)
        checks = self._checks(data, st)
        best, best_val = None, None
        for cand in extract.gaussian_candidates(w, self.randomisations, rng):
            design = self._powers_along(data, st, cand)
            if design is None:
                continue
            ev = evaluate(data.network, data.channels, design, association_of(data))
            cert = certificate(data, design, ev, checks, rank_one=True, extraction="", objective=None, bound=None,
                               tol=self.certificate_tol)
            if not cert.holds:
                continue
            val = self._design_objective(data, ev, design)
            sign = 1.0 if self.objective in ("min_power", "min_angle_crb") else -1.0
            if best_val is None or sign * val < sign * best_val:
                best, best_val = design, val
        if best is None:  # nothing certified: fall back on the principal eigenvectors, flagged by the certificate
            return extract.principal(data, w, [np.zeros((b.tx_antennas,) * 2, complex) for b in data.network.base_stations])
        return best

    def _powers_along(self, data: SnapshotData, st: Structure, directions: dict[int, np.ndarray]):
        """The same problem with W_k = p_k u_k u_k^H: a small convex problem in the powers p."""
        p = cp.Variable(len(directions), nonneg=True)
        order = sorted(directions)
        user = {}
        for i, k in enumerate(order):
            z = data.reduced(data.serving[k], directions[k])
            user[k] = p[i] * cp.Constant(real_form(np.outer(z, z.conj())))
        v = Variables(st.dims, user, [None] * len(st.dims), st.serving, psd=[])
        fixed = CompiledSDP(self, st, variables=v)
        fixed.update(data)
        if self.objective == "max_min_sinr":
            fixed.terms["sinr"].set_targets({k: data.sinr_targets[k] for k in st.sinr_users})  # type: ignore[attr-defined]
        rec = run(fixed.problem, DEFAULT_CHAIN[0])
        if rec.outcome not in ("optimal", "inaccurate"):
            return None
        net = data.network
        cols = [np.zeros((b.tx_antennas, net.n_users), complex) for b in net.base_stations]
        for i, k in enumerate(order):
            u = directions[k] / np.linalg.norm(directions[k])
            cols[data.serving[k]][:, k] = u * np.sqrt(max(float(p.value[i]), 0.0) * data.p_ref)
        return TransmitDesign(tuple(cols), tuple(np.zeros((b.tx_antennas,) * 2, complex) for b in net.base_stations))

    def _design_objective(self, data: SnapshotData, ev: Evaluation, design: TransmitDesign) -> float:
        o, heads = self.objective, data.sensing
        if o == "min_power":
            return float(design.power_w.sum())
        if o == "max_min_beampattern":
            return float(min(ev.gains[b, t] for t, b in enumerate(heads)))
        if o == "min_angle_crb":
            crbs = [ev.angle_crb[b, t] for t, b in enumerate(heads)]
            return float(sum(crbs) if self.crb == "sum" else max(crbs))
        if o == "max_min_sinr":
            served = [k for k, b in enumerate(data.serving) if b >= 0]
            return float(linear_to_db(min(ev.sinr[k] for k in served)))
        # weighted: the same normalisation as the relaxation
        net = data.network
        sens = min(ev.gains[b, t] / (net.base_stations[b].tx_antennas * net.base_stations[b].power_w)
                   for t, b in enumerate(heads))
        p = stream_powers(data.channels, design)
        si = sensing_interference(data.channels, design)
        margins = []
        for k, gamma in enumerate(data.sinr_targets):
            if gamma is None or data.serving[k] < 0:
                continue
            iota = 0.0 if net.users[k].receiver == "type2" else 1.0
            inter = p[k].sum() - p[k, k] + iota * si[k]
            margins.append((p[k, k] / gamma - inter - data.noise) / data.noise / margin_ceiling(data, k))
        return float(self.weight * sens + (1 - self.weight) * min(margins))

    def _finish(self, data, compiled, records, t0, build_s, recompiled, *, bound=None, status=None) -> Solution:
        te = time.perf_counter()
        design, rank_one, method = self._extract(data, compiled)
        ev = evaluate(data.network, data.channels, design, association_of(data), nulls=data.nulls)
        obj = self._design_objective(data, ev, design)
        bound = compiled.bound_si(data) if bound is None else bound
        cert = certificate(data, design, ev, self._checks(data, compiled.structure), rank_one=rank_one,
                           extraction=method, objective=obj, bound=bound, tol=self.certificate_tol)
        accurate = records[-1].outcome == "optimal"
        st = status or ("optimal" if accurate else "optimal_reduced_accuracy")
        return Solution(
            status=st if cert.holds else "solver_failure",
            reason="" if cert.holds else f"certificate failed: {cert.worst_constraint} violated by {cert.max_violation:.2e}",
            problem=repr(self), objective_name=self.objective, objective_unit=UNITS[self.objective],
            objective=obj, bound=bound, solver=records[-1].attempt, attempts=[r.describe() for r in records],
            users=ev.users, targets=ev.targets, base_stations=ev.base_stations, network=ev.network, certificate=cert,
            timing=self._timing(records, t0, build_s, recompiled, compiled, time.perf_counter() - te),
            versions=_versions(), seed=getattr(data.network.channels, "seed", None),
        ).with_design(design)

    def _timing(self, records, t0, build_s, recompiled, compiled, extract_s) -> Timing:
        comp = getattr(compiled.problem, "compilation_time", None) or 0.0
        return Timing(build_s=build_s, compile_s=float(comp) if recompiled else 0.0,
                      solve_s=sum(r.wall_s for r in records), solver_s=sum(r.solver_s for r in records),
                      extract_s=extract_s, total_s=time.perf_counter() - t0, recompiled=recompiled)

    def _empty(self, status, reason, records, t0, build_s, recompiled, conflicts=()) -> Solution:
        return Solution(status=status, reason=reason, problem=repr(self), objective_name=self.objective,
                        objective_unit=UNITS[self.objective], attempts=[r.describe() for r in records],
                        solver=records[-1].attempt if records else None, conflicts=list(conflicts),
                        timing=Timing(build_s=build_s, solve_s=sum(r.wall_s for r in records),
                                      solver_s=sum(r.solver_s for r in records), total_s=time.perf_counter() - t0,
                                      recompiled=recompiled), versions=_versions())

    def _infeasible(self, data, compiled, records, t0, build_s, recompiled) -> Solution:
        if isinstance(compiled, CompiledSOCP):
            compiled_sdp = CompiledSDP(self, compiled.structure)
            compiled_sdp.update(data)
            compiled = compiled_sdp
        soft = ("sinr",) if self.objective == "weighted" else ()
        conflicts, _ = phase_one(compiled.terms, compiled.vars, data, soft)
        if conflicts:
            reason = "infeasible: these constraints cannot hold together: " + "; ".join(conflicts)
        else:
            reason = "infeasible (the solver's certificate of infeasibility); no single constraint could be named"
        return self._empty("infeasible", reason, records, t0, build_s, recompiled, conflicts or [])

    # -- max-min SINR -----------------------------------------------------------------
    def _solve_bisection(self, data, compiled, chain, time_limit_s, t0, build_s, recompiled) -> Solution:
        served = [k for k, b in enumerate(data.serving) if b >= 0]
        sinr = compiled.terms["sinr"]
        records: list[SolveRecord] = []
        best: dict = {}

        def feasible(db: float) -> bool:
            sinr.set_targets({k: 10 ** (db / 10) for k in served})
            for attempt in chain:
                rec = run(compiled.problem, attempt, time_limit_s=time_limit_s)
                records.append(rec)
                compiled.solves += 1
                if rec.outcome == "infeasible":
                    return False
                if rec.outcome in ("optimal", "inaccurate"):
                    best.update(db=db, values=compiled.values(), record=rec)
                    return True
            return False

        hi = single_user_bound_db(data, served) + 1e-6
        result = bisect(feasible, -30.0, hi, self.bisection_tol_db)
        if result.lo_db is None:
            return self._infeasible_at(data, compiled, records, t0, build_s, recompiled, -30.0)
        target = 10 ** (result.lo_db / 10)
        data_lo = replace(data, sinr_targets=tuple(target if k in served else None for k in range(data.network.n_users)))
        sinr.set_targets({k: target for k in served})
        users, sens = best["values"]
        for k, s in compiled.vars.user.items():
            s.value = users[k]
        for s, val in zip(compiled.vars.sensing, sens):
            if s is not None:
                s.value = val
        records.append(best["record"])
        return self._finish(data_lo, compiled, records, t0, build_s, recompiled, bound=result.hi_db)

    def _infeasible_at(self, data, compiled, records, t0, build_s, recompiled, db) -> Solution:
        served = [k for k, b in enumerate(data.serving) if b >= 0]
        data_lo = replace(data, sinr_targets=tuple(10 ** (db / 10) if k in served else None
                                                   for k in range(data.network.n_users)))
        return self._infeasible(data_lo, compiled, records, t0, build_s, recompiled)


def _versions() -> dict[str, str]:
    import clarabel

    from .. import __version__

    return {"isacopt": __version__, "cvxpy": cp.__version__, "clarabel": getattr(clarabel, "__version__", "?"),
            "numpy": np.__version__}

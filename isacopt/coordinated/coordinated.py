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

import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Literal

from pydantic import Field, PrivateAttr

from ..load_options import LoadOptions
from ..channels.derive import derive_channels
from ..errors import ValidationError
from ..evaluate import evaluate
from ..formulation.data import SnapshotData
from ..formulation.decompose import components, embed, restrict
from ..formulation.shared_preparation import with_receiver
from ..objectives import Objective as ObjectiveClass
from ..objectives import REGISTRY, MinPower, needs_problems, objective_of
from ..network.model import Network
from ..results import Solution, Timing
from ..solve.cache import CompileCache
from ..solve.certify import certificate
from ..solve.planner import Planner
from ..solve.runner import DEFAULT_CHAIN, Attempt, compiles_once
from ..solve.outcome import certified_status, make_solution
from .compiled import CompiledSDP
from .optimise import Outcome, checks_for
from ..loads import probed_targets
from .preparation import association_of, prepare, sensing_heads, serving_heads
from .widen import with_every_target
from .socp import CompiledSOCP
from .solve_path import optimise
from .structure import Structure

# the names problem files may give: the family's registry, so a new objective is a file plus a registry line
Objective = Literal[tuple(REGISTRY["coordinated"])]  # type: ignore[valid-type]


class CoordinatedBeamforming(LoadOptions):
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
    sensing_null_rank: Literal["full", "beam", "los"] = Field(
        "full", description="cost of protecting one BS receiver (SPEC.md section 10): 'full' its cross-link's rank, "
        "'beam' one null per target that BS probes, 'los' the cross-link's strongest direction")
    receiver: Literal["type1", "type2"] | None = Field(None, description="override every user's receiver type")
    sensing_streams: bool = Field(True, description="dedicated sensing signals R0_b (off: data beams only)")
    per_antenna_power: bool = False
    beampattern_floor_w: float | None = Field(None, gt=0, le=1e9, description="g_t >= floor for every target [W]")
    sensing_sinr_db: float | None = Field(None, ge=-100, le=100, description="sensing SINR floor per target [dB]")
    crb: Literal["sum", "max"] = "sum"
    weight: float = Field(0.5, ge=0, le=1, description="rho of the weighted objective (1: sensing only)")
    serving: dict[str, str] | None = Field(None, description="explicit user id -> BS id association")
    sensing_map: dict[str, str] | None = Field(None, description="explicit target id -> sensing BS id (default nearest)")
    relaxation: Literal["auto", "sdp", "socp", "subspace"] = Field(
        "auto", description="how the relaxation is solved: 'auto' (the default: 'subspace' where it applies, "
        "else 'sdp'), 'sdp' (cvxpy, compiled once per structure), 'socp' (min_power: the exact SOCP), "
        "'subspace' (the same SDP on growing subspaces with a dual certificate, Clarabel directly; every "
        "objective, with any sensing-SINR floor; faster at every size measured; the cvxpy SDP is its fallback)")
    subspace_gap: float = Field(1e-6, gt=0, le=1e-2, description="relaxation='subspace': certified relative gap "
                                "at which the subspace loop stops")
    bisection_tol_db: float = Field(0.004, gt=0, le=3, description="bisection stops within this many dB of the "
                                    "optimum: 0.004 dB is a relative gap of 1e-3 on the linear SINR")
    randomisations: int = Field(16, ge=0, le=10_000)
    seed: int = Field(0, ge=0)
    certificate_tol: float = Field(1e-6, gt=0, le=1e-1)
    decompose: bool = Field(True, description="solve uncoupled groups of BSs as separate problems (same optimum)")
    explain_backoff: bool = Field(True, description="infeasible: also find how far the conflicting SINR targets "
                                  "must come down (a bisection; off in large sweeps to save solves)")

    _cache: dict = PrivateAttr(default_factory=CompileCache)

    # -- public API ---------------------------------------------------------------------
    @property
    def method(self) -> str:
        """The relaxation actually used: ``relaxation``, with 'auto' resolved to 'subspace' for the objectives
        it covers (every constraint linear in the covariances) and to 'sdp' for the others."""
        if self.relaxation != "auto":
            return self.relaxation
        return "subspace" if self.objective_class.linear_form is not None else "sdp"

    @property
    def objective_class(self) -> type[ObjectiveClass]:
        """The class of ``objective``: its unit, direction and what it needs of the network."""
        return objective_of("coordinated", self.objective)

    def check(self, network: Network) -> None:
        """Every check :meth:`solve` makes before solving (objective vs nodes, cluster sizes, null-space
        dimensions, targets): raises ValidationError naming each problem; solves nothing."""
        self._prepare(network)

    def solve(self, network: Network, *, time_limit_s: float | None = None,
              chain: tuple[Attempt, ...] = DEFAULT_CHAIN, workers: int = 1) -> Solution:
        """Solve one snapshot. Infeasible and failed solves are statuses; bad input raises ValidationError.

        Groups of BSs that no constraint couples are solved as separate problems (``decompose``),
        in ``workers`` processes when more than one is asked for.
        """
        t0 = time.perf_counter()
        data = self._prepare(network)
        groups = self._groups(data)
        build_s = time.perf_counter() - t0
        if len(groups) == 1:
            outcomes = [optimise(self, data, self._structure(data), chain, time_limit_s)]
            parts = None
        else:
            jobs = [(self.model_dump(), data, g, chain, time_limit_s) for g in groups]
            if workers > 1:
                with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
                    results = list(pool.map(_solve_group, jobs))
            else:
                results = [self._solve_group(data, g, chain, time_limit_s) for g in groups]
            outcomes = [r[0] for r in results]
            parts = [(g, r[1], r[2]) for g, r in zip(groups, results)]
        solution = self._assemble(data, outcomes, parts, t0, build_s, len(groups))
        if self.targets_per_bs is None:
            return solution
        return with_every_target(solution, with_receiver(network, self.receiver), data, self._probing(network))

    def compile(self, network: Network) -> "Planner":
        """Build and compile the problem(s) for ``network``'s structure now; returns a :class:`Planner`."""
        data = self._prepare(network)
        if self.method == "subspace":  # nothing to compile: every solve assembles Clarabel's data directly
            return Planner(self, network)
        for group in self._groups(data):
            sub = data if len(group) == data.network.n_bs else restrict(data, group)[0]
            compiled, _ = self._compiled_for(self._structure(sub))
            compiled.update(sub)
            if compiles_once(compiled.problem):
                compiled.problem.get_problem_data(solver="CLARABEL")  # cvxpy's DPP compilation, cached on it
        return Planner(self, network)

    def compiled_count(self) -> int:
        """How many structures this problem has compiled (a planner's cache check)."""
        return len(self._cache)

    # -- preparation ------------------------------------------------------------------
    def _probing(self, network: Network) -> tuple[int, ...]:
        """Probing BS of every target of ``network`` (-1: unprobed), SPEC.md section 10."""
        return probed_targets(network, self.targets_per_bs, sensing_heads(network, self.sensing_map))

    def _prepare(self, network: Network) -> SnapshotData:
        self._check(network)
        network = with_receiver(network, self.receiver)
        if self.targets_per_bs is not None:  # the design is posed on the probed targets only
            probing = self._probing(network)
            network = network.with_updates(targets=[t for t, b in zip(network.targets, probing) if b >= 0])
            if needs_problems(self.objective_class, network):
                raise ValidationError([("targets_per_bs", f"{self.objective!r} needs a probed target; with "
                                        f"targets_per_bs = {self.targets_per_bs} no BS probes one (raise it)")])
        channels = derive_channels(network)
        data = prepare(network, channels, serving=self.serving, sensing_map=self.sensing_map,
                       max_users_per_bs=self.users_per_bs,
                       default_sinr_db=self.sinr_db, comm_cluster=self.comm_cluster,
                       sensing_cluster=self.sensing_cluster, sensing_null_rank=self.sensing_null_rank)
        if self.objective_class.bisection:  # every served user at the common level the bisection sets
            data = replace(data, sinr_targets=tuple(1.0 if b >= 0 else None for b in data.serving))
        if self.objective_class.needs_sinr_targets and not any(g is not None for g in data.sinr_targets):
            raise ValidationError([("sinr_db", f"the {self.objective} objective needs SINR targets (set sinr_db or users' "
                                    "sinr_db): they normalise the communication margins")])
        return data

    def _structure(self, data: SnapshotData) -> Structure:
        sinr_users = tuple(k for k, b in enumerate(data.serving) if b >= 0 and data.sinr_targets[k] is not None)
        type2 = tuple(u.receiver == "type2" for u in data.network.users)
        return Structure.of(data, sinr_users, type2, self.sensing_streams)

    def _groups(self, data: SnapshotData) -> list[list[int]]:
        # an eavesdropper hears every BS: its caps couple all of them (another group's signal is interference
        # there, which a joint design can use), so no group is independent
        if (not self.decompose or not self.objective_class.decomposable or data.network.n_bs == 1
                or data.network.n_eavesdroppers):
            return [list(range(data.network.n_bs))]
        st = self._structure(data)
        return components(data, st.interferers, st.sinr_users, self.sensing_sinr_db is not None)

    def _solve_group(self, data: SnapshotData, group: list[int], chain, time_limit_s):
        sub, users, targets = restrict(data, group)
        opts = self
        kind = self.objective_class
        if kind.empty_part(len(targets), sum(b >= 0 for b in sub.serving)):
            opts = self.model_copy(update={"objective": MinPower.name})  # nothing to optimise here: stay feasible
            if kind.bisection:  # (a sensing-level bisection keeps the users' own targets)
                sub = replace(sub, sinr_targets=tuple(None for _ in sub.serving))
        outcome = optimise(opts, sub, opts._structure(sub), chain, time_limit_s)
        if opts is not self:
            outcome.bound = kind.empty_part_bound
        return outcome, users, outcome.design

    def _check(self, network: Network) -> None:
        kind = self.objective_class
        problems = needs_problems(kind, network)
        if kind.needs == "targets" and not self.sensing_streams and network.n_users == 0:
            problems.append(("sensing_streams", "with no users and no sensing streams nothing is transmitted"))
        elif kind.angle_crb and not self.sensing_streams:
            problems += self._silent_heads(network)
        if self.relaxation == "socp" and (not kind.socp or self.beampattern_floor_w is not None
                                          or self.sensing_sinr_db is not None or self.per_antenna_power):
            names = " and ".join(c.name for c in REGISTRY["coordinated"].values() if c.socp)
            problems.append(("relaxation", f"'socp' applies to {names} with SINR constraints only (no sensing "
                             "floors, no per-antenna power); use 'sdp'"))
        if self.relaxation == "subspace" and kind.linear_form is None:
            names = ", ".join(c.name for c in REGISTRY["coordinated"].values() if c.linear_form is not None)
            problems.append(("relaxation", f"'subspace' applies to {names} (every constraint linear in the "
                             "covariances); use 'sdp'"))
        if network.n_eavesdroppers and self.relaxation == "socp":
            # the SOCP has no sensing covariances: no artificial noise, no sensing-privacy rows
            problems.append(("relaxation", "eavesdropper caps are solved with relaxation 'sdp' or 'subspace', not "
                             "'socp'; use 'sdp'"))
        if self.objective_class.sensing_level and self.sensing_sinr_db is not None:
            problems.append(("sensing_sinr_db", "max_min_sensing_sinr maximises the common sensing SINR itself; "
                             "remove the floor"))
        if self.objective_class.sensing_level and not self.sensing_streams:
            problems.append(("sensing_streams", "max_min_sensing_sinr needs dedicated sensing streams (the extraction "
                             "keeps each covariance, hence every sensing SINR, only with them)"))
        if problems:
            raise ValidationError(problems)

    def _silent_heads(self, network: Network) -> list[tuple[str, str]]:
        """Targets whose sensing BS serves no user: without sensing streams it transmits nothing, so their angle
        CRB is infinite whatever the design (the objective cannot be posed)."""
        speaking = set(serving_heads(network, self.serving, self.users_per_bs))
        return [(f"targets[{t}] ({network.targets[t].id})",
                 f"its sensing BS {network.base_stations[b].id!r} serves no user and sensing_streams is off: it "
                 "transmits nothing, so the angle CRB is infinite; turn sensing_streams on, or map the target to a "
                 "serving BS (sensing_map)")
                for t, b in enumerate(sensing_heads(network, self.sensing_map)) if b not in speaking]

    def _compiled_for(self, st: Structure, relaxation: str | None = None):
        relaxation = relaxation or self.method
        key = (st, relaxation)
        if key in self._cache:
            return self._cache[key], False
        compiled = CompiledSOCP(st) if relaxation == "socp" else CompiledSDP(self, st)
        self._cache[key] = compiled
        return compiled, True

    # -- the Solution -----------------------------------------------------------------
    def _assemble(self, data: SnapshotData, outcomes: list[Outcome], parts, t0: float, build_s: float,
                  n_groups: int) -> Solution:
        records = [r for o in outcomes for r in o.records]
        timing = dict(build_s=build_s, compile_s=sum(o.compile_s for o in outcomes),
                      solve_s=sum(r.wall_s for r in records), solver_s=sum(r.solver_s for r in records),
                      recompiled=any(o.recompiled for o in outcomes))
        common = dict(problem=repr(self), objective_name=self.objective, objective_unit=self.objective_class.unit,
                      records=records, network=data.network)
        bad = next((o for o in outcomes if o.status != "solved"), None)
        if bad is not None:
            status = {"infeasible": "infeasible", "time_limit": "time_limit"}.get(bad.status, "solver_failure")
            reason = bad.reason + (f" (in a group of {len(outcomes)} independent sub-problems)" if n_groups > 1 else "")
            return make_solution(status=status, reason=reason, conflicts=bad.conflicts,
                                 timing=Timing(**timing, total_s=time.perf_counter() - t0), **common)
        te = time.perf_counter()
        if parts is None:
            design, data = outcomes[0].design, outcomes[0].data
        else:
            design = embed(data, parts)
            targets = list(data.sinr_targets)
            for (group, users, _), o in zip(parts, outcomes):
                for i, k in enumerate(users):
                    targets[k] = o.data.sinr_targets[i]
            data = replace(data, sinr_targets=tuple(targets))
        ev = evaluate(data.network, data.channels, design, association_of(data), nulls=data.nulls,
                      sinr_targets=data.sinr_targets)
        obj = self.objective_class.value(self, data, ev, design)
        bounds = [o.bound for o in outcomes]
        bound = bounds[0] if len(outcomes) == 1 else self.objective_class.combine_bounds(self, bounds)
        first = outcomes[0].certificate
        cert = certificate(data, design, ev, checks_for(self, self._structure(data)),
                           rank_one=all(o.certificate.rank_one for o in outcomes),
                           extraction=first.extraction if first else "", objective=obj, bound=bound,
                           tol=self.certificate_tol, db=self.objective_class.unit == "dB")
        accurate = all(o.accurate for o in outcomes)
        # a design that meets every constraint but whose objective is infinite while the relaxation's is
        # finite (e.g. an angle CRB lost in extraction) is not an answer
        lost = obj is not None and not math.isfinite(obj) and bound is not None and math.isfinite(bound)
        holds = cert.holds and not lost
        status = certified_status(holds, accurate=accurate)
        reason = "" if holds else (
            f"the extracted design's {self.objective} is {obj} while the relaxation's is {bound:.4g}" if lost else
            f"certificate failed: {cert.worst_constraint} violated by {cert.max_violation:.2e}"
            if cert.max_violation > cert.tolerance else f"certificate failed: null leakage {cert.null_leakage:.2e}")
        return make_solution(status=status, reason=reason, objective=obj, bound=bound, evaluation=ev, design=design,
                             certificate=cert, **common,
                             timing=Timing(**timing, extract_s=time.perf_counter() - te,
                                           total_s=time.perf_counter() - t0))


def _solve_group(job):
    """Process-pool entry: rebuild the options (their compile cache stays in the parent) and solve a group."""
    opts_dict, data, group, chain, time_limit_s = job
    opts = CoordinatedBeamforming(**opts_dict)
    return opts._solve_group(data, group, chain, time_limit_s)

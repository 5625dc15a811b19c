"""Cooperative ISAC: CoMP joint transmission with a distributed MIMO radar (SPEC.md 4, 5.4, 7, 9).

User k is served by its cluster C_k (``comm_cluster`` nearest BSs), coherently
(one stacked beamformer) or non-coherently (independent beams whose powers add);
target t is localised by its cluster Q_t (``sensing_cluster`` nearest BSs) with the
pair set ``pairs``. Relaxation (W_k >= 0 per block, R0_b >= 0), with J_t affine in the R_b:

    min_sum_crlb:  min  sum_t tr(J_t^{-1})         min_max_crlb:  min max_t tr(J_t^{-1})
    min_power:     min  sum_b tr(R_b)               weighted:      min sum_t w_t tr(J_t^{-1}) + lambda sum_b tr(R_b)
    max_min_rate:  max  min_k r_k   (bisection on a common SINR target; each step an SDP feasibility)
    max_sum_rate:  max  sum_k r_k   (non-convex: successive convex approximation, a local optimum)
    max_energy_efficiency: max B sum_k r_k / sum_b (tr(R_b)/eta + P_c)  (Dinkelbach, see energy.py)

s.t. SINR_k >= Gamma_k (from sinr_db or rate_bps_hz; the CRLB, power and weighted objectives),
tr(R_b) <= P_b, optional root-CRLB limits tr(J_t^{-1}) <= eps_t^2, an optional fixed power
split (comm power <= rho P_b, sensing power <= (1 - rho) P_b; otherwise the split is a
decision reported per BS), and per-BS backhaul load <= capacity (SPEC.md 7). With rate
targets the load is fixed by the clusters, so it is checked before solving; with rates as
the objective it caps the rates (the bisection's bracket, or a constraint of the sum-rate
surrogate).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, PrivateAttr, model_validator

from .._model import ProblemModel
from ..association import Association
from ..channels.derive import derive_channels
from ..errors import ValidationError
from ..formulation.data import SnapshotData
from ..formulation.nullspace import NullSpaces
from ..objectives import Objective as ObjectiveClass
from ..objectives import REGISTRY, needs_problems, objective_of
from ..formulation.shared_preparation import check_cluster_sizes, linear_sinr_targets, with_receiver
from ..metrics.backhaul import backhaul_load, over_capacity
from ..metrics.position_crlb import CrlbModel
from ..network.model import Network
from ..results import Solution
from ..solve.cache import CompileCache

if TYPE_CHECKING:
    from ..solve.planner import Planner
from ..solve.explain import phase_one
from ..solve.runner import DEFAULT_CHAIN, Attempt, run_chain
from ..solve.subspace import proven_infeasible
from . import fast_path
from .compiled import CompiledCoop
from .finish import finish, status_solution

# the names problem files may give: the family's registry, so a new objective is a file plus a registry line
Objective = Literal[tuple(REGISTRY["cooperative"])]  # type: ignore[valid-type]


class CooperativeISAC(ProblemModel):
    """Declarative cooperative ISAC problem (problem files: ``kind: cooperative_isac``).

    User k is served by its ``comm_cluster`` (L) nearest BSs, jointly (``joint_transmission``:
    one stacked beam, or independent beams whose powers add); target t is localised by its
    ``sensing_cluster`` (Q) nearest BSs as a distributed MIMO radar whose pairs (``pairs``:
    ``fusion`` monostatic only, ``multistatic`` or ``coherent``) give the Fisher information
    J_t (SPEC 5.4). The relaxation has one PSD W_k per user block and R0_b per BS:

    - ``min_sum_crlb`` / ``min_max_crlb``: min sum_t / max_t tr(J_t^-1) [m^2]
    - ``min_power``: min sum_b tr(R_b) [W]; ``weighted``: CRLBs plus ``power_weight_m2_per_w`` x power
    - ``max_min_rate``: max min_k log2(1 + SINR_k) [bit/s/Hz] by bisection (certified)
    - ``max_sum_rate``: SCA from a feasible point (a local optimum)
    - ``max_energy_efficiency``: bits per joule, Dinkelbach over SCA steps, bounded by the interference-free
      rates (certified ``optimal`` where the bound meets the design, else ``local_optimum`` with the bound)

    subject to SINR_k >= Gamma_k (``sinr_db`` or ``rate_bps_hz``), tr(R_b) <= P_b, optional root-CRLB
    limits, an optional fixed split ``comm_fraction``, and per-BS backhaul <= capacity (SPEC 7).
    ``solve(network)`` returns a certified :class:`~isacopt.Solution`.
    """

    kind: Literal["cooperative_isac"] = "cooperative_isac"
    objective: Objective = "min_sum_crlb"
    comm_cluster: int = Field(1, ge=1, le=1000, description="L: each user is served by its L nearest BSs")
    sensing_cluster: int = Field(2, ge=1, le=1000, description="Q: each target is sensed by its Q nearest BSs")
    pairs: Literal["fusion", "multistatic", "coherent"] = "multistatic"
    sensing_waveform: Literal["orthogonal", "unified"] = Field(
        "orthogonal", description="'orthogonal': cross-BS pairs of the position FIM see only the dedicated sensing "
        "covariances R0 (data beams are not separable at another BS's receiver); 'unified': every pair sees R_b")
    crlb_interference: bool = Field(False, description="pair SNRs of the position FIM become SINRs with the "
                                    "BS-to-BS interference at the receiving BS (a local method: see the docs)")
    angle_information: bool = Field(False, description="monostatic receivers add their angle information "
                                    "(SPEC 5.3) to the position FIM: one BS localises in 2-D")
    interference_iterations: int = Field(20, ge=1, le=500, description="crlb_interference: SDPs of the "
                                         "interference iteration at most")
    joint_transmission: Literal["coherent", "non_coherent"] = "coherent"
    sinr_db: float | None = Field(None, ge=-50, le=80, description="SINR target for users without their own [dB]")
    rate_bps_hz: float | None = Field(None, gt=0, le=30, description="rate target instead of sinr_db")
    root_crlb_m: float | None = Field(None, gt=0, le=1e6, description="root-CRLB limit for targets without their own")
    comm_fraction: float | None = Field(None, ge=0, le=1, description="fixed share rho of each budget for data")
    crlb_weights: dict[str, float] | None = Field(None, description="weighted: target id -> weight (default 1)")
    power_weight_m2_per_w: float = Field(0.0, ge=0, le=1e12, description="weighted: price of a watt in m^2")
    sensing_streams: bool = True
    receiver: Literal["type1", "type2"] | None = None
    enforce_backhaul: bool = True
    rate_tol: float = Field(1e-3, gt=0, le=0.5, description="max_min_rate: the bisection stops when the rate "
                            "bracket is within rate_tol * min(1, rate) [bit/s/Hz]: 1e-3 bit/s/Hz at rates >= 1, "
                            "relative below, so the certified gap is at most rate_tol")
    sca_iterations: int = Field(30, ge=1, le=1000, description="max_sum_rate, max_energy_efficiency: surrogate "
                                "solves at most")
    dinkelbach_tol: float = Field(1e-7, gt=0, le=0.1, description="max_energy_efficiency: Dinkelbach stops when "
                                  "an iteration raises the EE by less than this fraction")
    certificate_tol: float = Field(1e-6, gt=0, le=1e-1)
    relaxation: Literal["auto", "sdp", "subspace"] = Field(
        "auto", description="how the relaxation is solved: 'auto' (the default: 'subspace' for every objective, "
        "max_min_rate's steps and the SCA steps of max_sum_rate and max_energy_efficiency included, with or "
        "without root-CRLB limits, eavesdropper caps and angle information, and every step of the "
        "CRLB-interference iteration, backhaul rate caps included), "
        "'sdp' (cvxpy, compiled once per structure), 'subspace' (the dual LMI form with Clarabel directly and a "
        "dual certificate, no compilation; an error where it does not apply; the cvxpy SDP is its fallback)")

    _cache: dict = PrivateAttr(default_factory=CompileCache)

    @model_validator(mode="after")
    def _consistent(self) -> "CooperativeISAC":
        if self.sinr_db is not None and self.rate_bps_hz is not None:
            raise ValueError("give sinr_db or rate_bps_hz, not both")
        if self.objective_class.bisection and (self.sinr_db is not None or self.rate_bps_hz is not None):
            raise ValueError(f"{self.objective} chooses a common rate for every user: remove sinr_db / rate_bps_hz")
        if self.crlb_interference and self.root_crlb_m is not None and not self.objective_class.crlb:
            raise ValueError("crlb_interference with root_crlb_m limits needs a CRLB objective (min_sum_crlb, "
                             "min_max_crlb, weighted): the interference iteration starts from the noise-limited "
                             "design, which need not meet the limits")
        if self.crlb_weights is not None and any(not (0 <= w < 1e12) for w in self.crlb_weights.values()):
            raise ValueError("crlb_weights must be >= 0 and finite")
        return self

    @property
    def crlb_model(self) -> CrlbModel:
        """The position-CRLB options of this problem (pairs, waveform, interference, angle information)."""
        return CrlbModel(self.pairs, self.sensing_waveform, self.crlb_interference, self.angle_information)

    @property
    def sensing_level(self) -> str:
        """Backhaul level of sensing cooperation: ``"data"`` (fused estimates) for ``pairs='fusion'``,
        else ``"signal"`` (raw echoes forwarded).
        """
        return "data" if self.pairs == "fusion" else "signal"

    # -- public ---------------------------------------------------------------------------
    @property
    def objective_class(self) -> type[ObjectiveClass]:
        """The class of ``objective``: its unit, direction and what it needs of the network."""
        return objective_of("cooperative", self.objective)

    def check(self, network: Network) -> None:
        """Every check :meth:`solve` makes before solving (clusters, associations, targets a CRLB needs):
        raises ValidationError naming each problem; solves nothing."""
        self.prepare(network)

    def solve(self, network: Network, *, time_limit_s: float | None = None,
              chain: tuple[Attempt, ...] = DEFAULT_CHAIN, association: Association | None = None,
              structure: Association | None = None) -> Solution:
        """Solve one snapshot; ``association`` replaces the L / Q nearest-BS clusters by explicit ones
        (heads first), as a cluster search does. Each distinct association compiles once and is cached;
        ``structure``: clusters containing ``association``'s (a search's every candidate link), compiled
        once for all the choices within them (the CRLB, power and weighted objectives; the rate objectives
        compile per association)."""
        from .energy import max_energy_efficiency
        from .interference_mm import interference_iteration
        from .rates import max_min_rate, max_sum_rate

        t0 = time.perf_counter()
        data, assoc = self.prepare(network, association)
        if structure is not None:
            _check_within(assoc, structure)
        over = self.backhaul_excess(data, assoc)
        if over:
            return status_solution(self, "infeasible", "backhaul capacity exceeded: " + "; ".join(over), t0, [], over,
                                   network=network)
        records: list = []
        if (structure is None and not (self.objective_class.bisection or self.objective_class.local)
                and fast_path.why_not(self, network) is None):
            fast = fast_path.solve_fast(self, data, assoc, time_limit_s, t0, records)
            if fast is not None:
                return fast
            if time_limit_s is not None:  # what is left of the limit for the cvxpy SDP
                time_limit_s = max(time_limit_s - (time.perf_counter() - t0), 1e-3)
        if self.objective_class.bisection:  # a common rate, by certified bisection
            return max_min_rate(self, data, assoc, chain, time_limit_s, t0)
        if self.objective_class.fractional:  # Dinkelbach over successive convex approximations
            return max_energy_efficiency(self, data, assoc, time_limit_s, t0)
        if self.objective_class.local:  # successive convex approximation
            return max_sum_rate(self, data, assoc, time_limit_s, t0)
        sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
        if self.crlb_interference or network.n_eavesdroppers:
            # a local iteration's path, not only its problem, depends on the compiled form; an eavesdropper's
            # cap would see the closed parts through its own channels (only terms.jt_sinr zeroes them)
            structure = None
        compiled, recompiled = self.compiled(data, assoc, self.objective_class, sinr_users, structure=structure)
        if self.crlb_interference and "crlb" in compiled.terms:
            return interference_iteration(self, data, assoc, compiled, chain, time_limit_s, t0, recompiled)
        if proven_infeasible(records):  # the fast path's dual bound proves it: only the conflicts are left to name
            return self.failed("infeasible", data, compiled, records, t0, recompiled)
        outcome = self.run_chain(compiled, chain, time_limit_s, records)
        if outcome != "solved":
            return self.failed(outcome, data, compiled, records, t0, recompiled)
        return finish(self, data, assoc, compiled, records, t0, recompiled)

    def compile(self, network: Network) -> "Planner":
        """Build and compile the problem of ``network``'s structure now; returns a :class:`Planner`.

        The CRLB, power and weighted objectives compile here; the rate objectives (bisection, SCA)
        compile at their first solve. Either way later snapshots of the same structure only assign
        Parameters (``Solution.timing.recompiled`` is False).
        """
        from ..solve.planner import Planner

        if fast_path.why_not(self, network) is None:  # nothing to compile: Clarabel's data are assembled per solve
            self.prepare(network)
        elif not (self.objective_class.bisection or self.objective_class.local):  # those compile per step
            data, assoc = self.prepare(network)
            sinr_users = tuple(k for k, g in enumerate(data.sinr_targets) if g is not None)
            compiled, _ = self.compiled(data, assoc, self.objective_class, sinr_users)
            compiled.problem.get_problem_data(solver="CLARABEL")  # cvxpy's DPP compilation, cached on the problem
        return Planner(self, network)

    # -- preparation --------------------------------------------------------------------
    def prepare(self, network: Network, association: Association | None = None) -> tuple[SnapshotData, Association]:
        """Validate ``network`` for this problem and derive its data: channels, clusters (the L / Q
        nearest BSs, or ``association``) and the users' SINR targets. Raises ValidationError.
        """
        if association is None:  # explicit clusters are checked by the association itself
            check_cluster_sizes(network, comm_cluster=self.comm_cluster, sensing_cluster=self.sensing_cluster)
        missing = needs_problems(self.objective_class, network)
        if missing:
            raise ValidationError(missing)
        if self.relaxation == "subspace" and fast_path.why_not(self, network) is not None:
            raise ValidationError([("relaxation", f"'subspace' does not apply here: {fast_path.why_not(self, network)}"
                                    "; use 'auto' or 'sdp'")])
        if self.crlb_interference and not self.objective_class.crlb and any(
                lim is not None for lim in self.limits(network)):
            raise ValidationError([("crlb_interference", f"root-CRLB limits with crlb_interference need a CRLB "
                                    f"objective (min_sum_crlb, min_max_crlb, weighted), not {self.objective!r}: "
                                    "the interference iteration starts from the noise-limited design")])
        unknown = sorted(set(self.crlb_weights or {}) - {t.id for t in network.targets})
        if unknown:
            raise ValidationError([("crlb_weights", f"unknown target ids {unknown}")])
        network = with_receiver(network, self.receiver)
        channels = derive_channels(network)
        assoc = (association.validate_for(network) if association is not None else
                 Association.nearest(network, comm_cluster=self.comm_cluster, sensing_cluster=self.sensing_cluster))
        default = self.sinr_db if self.rate_bps_hz is None else 10 * math.log10(2 ** self.rate_bps_hz - 1)
        targets = linear_sinr_targets(network, default, served=[not self.objective_class.bisection] * network.n_users)
        eye = tuple(np.eye(b.tx_antennas, dtype=complex) for b in network.base_stations)
        nulls = NullSpaces(eye, (0,) * network.n_bs, ((),) * network.n_bs, ((),) * network.n_bs)
        data = SnapshotData(network, channels, tuple(c[0] for c in assoc.serving), tuple(c[0] for c in assoc.sensing),
                            nulls, targets, max(b.power_w for b in network.base_stations))
        return data, assoc

    def limits(self, network: Network) -> tuple[float | None, ...]:
        """Root-CRLB limit of every target [m]: its own ``root_crlb_m``, else the problem's, else None."""
        return tuple(t.root_crlb_m if t.root_crlb_m is not None else self.root_crlb_m for t in network.targets)

    def _weights(self, network: Network) -> np.ndarray:
        w = self.crlb_weights or {}
        return np.array([w.get(t.id, 1.0) for t in network.targets])

    def sensing_load(self, data: SnapshotData, assoc: Association) -> np.ndarray:
        """Per-BS backhaul load of the sensing cooperation alone [bit/s] (no user data), shape (B,)."""
        return backhaul_load(data.network, assoc, [0.0] * data.network.n_users, self.sensing_level)  # type: ignore

    def backhaul_excess(self, data: SnapshotData, assoc: Association) -> list[str]:
        """Loads over capacity with the rate targets (or the sensing load alone when rates are free)."""
        if not self.enforce_backhaul:
            return []
        net = data.network
        rates = [0.0 if g is None else math.log2(1 + g) for g in data.sinr_targets]
        load = backhaul_load(net, assoc, rates, self.sensing_level)  # type: ignore[arg-type]
        return [msg for _, msg in over_capacity(net, load)]

    # -- the SDP ---------------------------------------------------------------------------
    def compiled(self, data: SnapshotData, assoc: Association, objective: type[ObjectiveClass],
                 sinr_users: tuple[int, ...],
                 all_users: tuple[int, ...] = (),
                 structure: Association | None = None) -> tuple[CompiledCoop, bool]:
        """The cached problem of this structure, updated with ``data``; ``True`` if it was built now.
        ``structure``: compile for these clusters and switch to ``assoc``'s (see ``solve``)."""
        net = data.network
        antennas = tuple(b.tx_antennas for b in net.base_stations)
        type2 = tuple(u.receiver == "type2" for u in net.users)
        limits = tuple(lim is not None for lim in self.limits(net))
        shape = structure or assoc
        key = (objective, antennas, shape.serving, shape.sensing, sinr_users, type2, limits, all_users,
               net.n_eavesdroppers, net.private_eavesdroppers, structure is not None)
        built = key not in self._cache
        if built:
            self._cache[key] = CompiledCoop(self, antennas, shape, sinr_users, type2, limits, objective,
                                            all_users=all_users, n_eves=net.n_eavesdroppers,
                                            private=net.private_eavesdroppers, gated=structure is not None)
        compiled = self._cache[key]
        compiled.update(data, self.limits(net), active=assoc if structure is not None else None)
        # a new solve starts the chain afresh: its rows must not depend on what was solved before it
        compiled.preferred, compiled.accurate = None, True
        return compiled, built

    def run_chain(self, compiled, chain, time_limit_s, records, accept_inaccurate: bool = True) -> str:
        """Run the chain, starting from the attempt that last worked on this compiled structure in this
        solve (a bisection or SCA would otherwise repeat the same failing attempts at every step)."""
        if compiled.preferred in chain:
            chain = (compiled.preferred,) + tuple(a for a in chain if a != compiled.preferred)
        before = len(records)
        ended = run_chain(compiled.problem, chain, records, time_limit_s=time_limit_s,
                          accept_inaccurate=accept_inaccurate)
        compiled.solves += len(records) - before
        if ended.outcome == "solved":
            compiled.accurate = ended.record.outcome == "optimal"
            compiled.preferred = ended.attempt if compiled.accurate else compiled.preferred
        return ended.outcome

    def failed(self, outcome, data, compiled, records, t0, recompiled) -> Solution:
        """The Solution of a solve that did not certify a design: ``infeasible`` with the conflicting
        constraints (phase-1 analysis), ``time_limit`` or ``solver_failure`` with the attempts.
        """
        conflicts: list[str] = []
        if outcome == "infeasible":
            conflicts, _ = phase_one(compiled.terms, compiled.vars, data)
            conflicts = conflicts or []
            reason = "infeasible: " + ("; ".join(conflicts) if conflicts else "the solver proved infeasibility")
        else:
            reason = "; ".join(r.describe() for r in records)
        status = {"infeasible": "infeasible", "time_limit": "time_limit"}.get(outcome, "solver_failure")
        return status_solution(self, status, reason, t0, records, conflicts, recompiled, data.network)


def _check_within(assoc: Association, structure: Association) -> None:
    """Every chosen cluster must be part of the compiled one, with the same head (its first BS)."""
    for kind, chosen, compiled in (("serving", assoc.serving, structure.serving),
                                   ("sensing", assoc.sensing, structure.sensing)):
        for n, (c, s) in enumerate(zip(chosen, compiled)):
            if not c or c[0] != s[0] or not set(c) <= set(s):
                raise ValueError(f"{kind} cluster {n} {c} is not within the compiled cluster {s}")
        if len(chosen) != len(compiled):
            raise ValueError(f"{kind}: {len(chosen)} clusters chosen, {len(compiled)} compiled")

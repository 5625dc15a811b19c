"""Coordinated cell association (task-level cooperation): each user served by one BS and each target
sensed by one BS, chosen among its ``candidates`` nearest, under load and DoF limits, for a coordinated
beamforming objective.

Exhaustive search enumerates the assignments; greedy starts from the nearest-BS assignment and moves
one node at a time while that improves the objective; branch and bound assigns targets, then users, one
node per level, and bounds a partial assignment by the problem with the unassigned nodes left out:
dropping a user removes an SINR constraint, dropping a target removes a term of a max-min beampattern
(or of a CRB sum), so the partial problem's convex bound bounds every completion. Load limits and the
DoF refusal are monotone too (more nodes never relieve them), so they prune a partial assignment.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from typing import Literal

import numpy as np

from pydantic import Field, PrivateAttr, model_validator

from .._model import ProblemModel
from ..solve.cache import CompileCache
from ..solve.outcome import make_solution
from ..coordinated.coordinated import CoordinatedBeamforming
from ..errors import ValidationError
from ..network.model import Network
from ..objectives import MinPower, searchable
from ..results import SearchStats, Solution, Timing
from .search import search_status

Assignment = tuple[int, ...]  # BS index per node (targets first, then users); -1 = not yet assigned


class CellAssociation(ProblemModel):
    """Declarative cell association (``kind: cell_association``): one BS per user and per target.

    Each user (served) and target (sensed) is assigned one of its ``candidates`` nearest BSs, subject
    to ``max_users_per_bs``, ``max_targets_per_bs`` and Nt streams per BS; the value of an assignment
    is the certified optimum of ``base`` (a :class:`CoordinatedBeamforming`) with it. ``method``:
    ``exhaustive``, ``greedy`` or ``branch_and_bound`` over partial assignments (bound: nodes not yet
    assigned left out, plus a matched-beam power floor for min power), started from the greedy
    incumbent. ``solve(network)`` returns the best assignment's Solution with search statistics."""

    kind: Literal["cell_association"] = "cell_association"
    method: Literal["exhaustive", "greedy", "branch_and_bound"] = "branch_and_bound"
    candidates: int = Field(2, ge=1, le=20, description="each user / target may use one of its M nearest BSs")
    max_users_per_bs: int | None = Field(None, ge=0, le=10_000)
    max_targets_per_bs: int | None = Field(None, ge=0, le=10_000)
    base: CoordinatedBeamforming = Field(CoordinatedBeamforming(objective="min_power", sinr_db=5.0),
                                         description="the coordinated problem of every assignment")
    max_nodes: int = Field(10_000, ge=1, le=10_000_000)
    gap_tol: float = Field(1e-4, ge=0, le=1)
    max_exhaustive_choices: int = Field(4096, ge=1, le=10_000_000)

    _builders: dict = PrivateAttr(default_factory=lambda: CompileCache(1024))
    _cache: dict = PrivateAttr(default_factory=dict)
    _solves: int = PrivateAttr(0)
    _noise_w: float = PrivateAttr(0.0)
    _best_gain: list = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _supported(self) -> "CellAssociation":
        refusal = self.base.objective_class.search_refusal
        if refusal is not None:
            raise ValueError(f"base.objective: {self.base.objective!r} {refusal}; use "
                             f"{searchable('coordinated')}")
        if self.base.serving is not None or self.base.sensing_map is not None:
            raise ValueError("base: leave serving and sensing_map unset; the search chooses them")
        return self

    @property
    def objective(self) -> str:
        """The base problem's objective, which the search optimises over assignments."""
        return self.base.objective

    # -- search -----------------------------------------------------------------------------
    def check(self, network: Network) -> None:
        """The checks of the base problem on ``network`` (raises ValidationError); solves nothing."""
        self.base.check(network)

    def solve(self, network: Network, *, time_limit_s: float | None = None) -> Solution:
        """Choose one BS per user and per target (``method``) and solve the base problem for it.

        Returns the best certified assignment's solution with ``search`` statistics (incumbent, proven
        bound, gap, nodes, convex solves); the status says whether it is proven optimal
        (``optimal``), a heuristic answer (``local_optimum``), cut short (``time_limit``) or
        ``infeasible``. ``time_limit_s`` bounds the whole search [s].
        """
        t0 = time.perf_counter()
        deadline = None if time_limit_s is None else t0 + time_limit_s
        self._cache, self._solves = {}, 0
        m = min(self.candidates, network.n_bs)
        from ..association import Association

        near = Association.nearest(network, comm_cluster=m, sensing_cluster=m)
        options = [list(c) for c in near.sensing] + [list(c) for c in near.serving]
        from ..channels.derive import derive_channels

        ch = derive_channels(network)
        self._noise_w = ch.noise_w
        self._best_gain = [max(float(np.linalg.norm(ch.comm[b][k]) ** 2) for b in c) for k, c in enumerate(near.serving)]
        sign = self.base.objective_class.sign()
        size = math.prod(len(o) for o in options)
        if self.method == "exhaustive":
            if size > self.max_exhaustive_choices:
                raise ValidationError([("method", f"exhaustive search over {size} assignments exceeds "
                                        f"max_exhaustive_choices = {self.max_exhaustive_choices}: use "
                                        "'branch_and_bound' or 'greedy', or fewer candidates")])
            best, nodes, bound, stopped = self._exhaustive(network, options, sign, deadline)
        elif self.method == "greedy":
            best, nodes, bound, stopped = self._greedy(network, options, sign, deadline)
        else:
            best, nodes, bound, stopped = self._branch_and_bound(network, options, sign, deadline)
        return self._result(network, best, nodes, bound, stopped, sign, size, t0)

    def _value(self, network: Network, assign: Assignment, sign: float) -> tuple[float, float, Solution | None]:
        """(value, bound, solution) in minimisation form for a full or partial assignment (cached)."""
        if assign in self._cache:
            return self._cache[assign]
        nt = network.n_targets
        bs_ids = [b.id for b in network.base_stations]
        targets = [t for i, t in enumerate(network.targets) if assign[i] >= 0]
        users = [u for k, u in enumerate(network.users) if assign[nt + k] >= 0]
        loads = self._load_violation(network, assign)
        if loads:
            result = (math.inf, math.inf, None)
        elif self.base.objective_class.empty_part(len(targets), len(users)):
            result = (math.inf, -math.inf, None)  # nothing to bound yet
        else:
            problem = self._builder({u.id: bs_ids[assign[nt + k]] for k, u in enumerate(network.users) if assign[nt + k] >= 0},
                                    {t.id: bs_ids[assign[i]] for i, t in enumerate(network.targets) if assign[i] >= 0})
            self._solves += 1
            try:
                sol = problem.solve(network.with_updates(users=users, targets=targets))
            except ValidationError:  # the DoF refusal (monotone: no completion can fix it)
                sol = None
            if sol is None or sol.status == "infeasible":
                result = (math.inf, math.inf, sol)
            else:
                value = sign * sol.objective if sol.ok and sol.objective is not None else math.inf
                raw = sol.bound if sol.bound is not None else (sol.objective if sol.ok else None)
                bound = min(sign * raw, value) if raw is not None else -math.inf
                result = (value, bound + self._power_floor(network, assign), sol)
        self._cache[assign] = result
        return result

    def _power_floor(self, network: Network, assign: Assignment) -> float:
        """min_power: the unassigned users' beams need at least Gamma sigma^2 / max_b ||h_bk||^2 each (a matched
        beam from their best candidate, no interference), on top of the partial problem's power."""
        if self.base.objective_class is not MinPower or -1 not in assign:
            return 0.0
        nt, floor = network.n_targets, 0.0
        for k, u in enumerate(network.users):
            db = u.sinr_db if u.sinr_db is not None else self.base.sinr_db
            if assign[nt + k] < 0 and db is not None:
                floor += 10 ** (db / 10) * self._noise_w / self._best_gain[k]
        return floor

    def _builder(self, serving: dict[str, str], sensing: dict[str, str]) -> CoordinatedBeamforming:
        """One builder per assignment (its compile cache serves later snapshots of the same structure)."""
        key = (tuple(sorted(serving.items())), tuple(sorted(sensing.items())))
        if key not in self._builders:
            self._builders[key] = self.base.model_copy(update={"serving": serving or None,
                                                                "sensing_map": sensing or None})
        return self._builders[key]

    def _load_violation(self, network: Network, assign: Assignment) -> list[str]:
        """The load and DoF limits of cluster selection, on single-BS clusters (no backhaul is used)."""
        from ..association import Association
        from .links import Limits

        nt = network.n_targets
        limits = Limits(network, (0.0,) * network.n_users, "none", self.max_users_per_bs, self.max_targets_per_bs)
        return limits.violations(Association(serving=tuple(() if a < 0 else (a,) for a in assign[nt:]),
                                             sensing=tuple(() if a < 0 else (a,) for a in assign[:nt])))

    def _exhaustive(self, network, options, sign, deadline):
        best, nodes = None, 0
        for assign in itertools.product(*options):
            if deadline is not None and time.perf_counter() > deadline:
                return best, nodes, -math.inf, "time limit"
            nodes += 1
            v, _, _ = self._value(network, assign, sign)
            if v < math.inf and (best is None or v < self._cache[best][0]):
                best = assign
        admissible = [b for a, (v, b, s) in self._cache.items() if -1 not in a and b < math.inf]
        return best, nodes, min(admissible) if admissible else math.inf, ""

    def _greedy(self, network, options, sign, deadline):
        current = tuple(o[0] for o in options)  # nearest BSs
        now = self._value(network, current, sign)[0]
        nodes = 1
        while deadline is None or time.perf_counter() < deadline:
            moves = [current[:i] + (b,) + current[i + 1:] for i, o in enumerate(options) for b in o if b != current[i]]
            scored = [(self._value(network, mv, sign)[0], mv) for mv in moves]
            nodes += len(scored)
            v, mv = min(scored, default=(math.inf, None))
            improves = (v < now - 1e-9 * max(abs(now), 1.0)) if math.isfinite(now) else math.isfinite(v)
            if mv is None or not improves:
                break
            current, now = mv, v
        return (current if math.isfinite(now) else None), nodes, -math.inf, ""

    def _branch_and_bound(self, network, options, sign, deadline):
        """Best first, from the greedy assignment as the first incumbent (shallow nodes have weak bounds:
        without an incumbent nothing could be pruned before the leaves)."""
        n = len(options)
        nt = network.n_targets
        # decide first what moves the objective: users for min_power (targets only matter through floors)
        order = list(range(nt, n)) + list(range(nt)) if self.base.objective_class is MinPower else list(range(n))
        best, greedy_nodes, _, _ = self._greedy(network, options, sign, deadline)
        incumbent = self._cache[best][0] if best is not None else math.inf
        counter = itertools.count()
        heap = [(-math.inf, next(counter), ())]
        closed: list[float] = []
        nodes, stopped = 0, ""
        while heap:
            parent, _, prefix = heapq.heappop(heap)
            threshold = incumbent - self.gap_tol * max(abs(incumbent), 1e-12)
            if parent >= threshold:
                closed.append(parent)
                continue
            if nodes >= self.max_nodes or (deadline is not None and time.perf_counter() > deadline):
                heapq.heappush(heap, (parent, next(counter), prefix))
                stopped = "node limit" if nodes >= self.max_nodes else "time limit"
                break
            nodes += 1
            slots = [-1] * n
            for node, b in zip(order, prefix):
                slots[node] = b
            assign = tuple(slots)
            value, bound, _ = self._value(network, assign, sign)
            bound = max(bound, parent)
            if len(prefix) == n:
                if value < incumbent:
                    incumbent, best = value, assign
                closed.append(bound if math.isfinite(value) else math.inf)
                continue
            if bound >= threshold:
                closed.append(bound)
                continue
            for b in options[order[len(prefix)]]:
                heapq.heappush(heap, (bound, next(counter), prefix + (b,)))
        proven = min(closed + [b for b, *_ in heap] + [incumbent])
        return best, nodes + greedy_nodes, proven, stopped

    # -- results ----------------------------------------------------------------------------
    def _result(self, network, best, nodes, bound, stopped, sign, size, t0) -> Solution:
        value = self._cache[best][0] if best is not None else math.inf
        gap = abs(value - bound) / max(abs(value), 1e-12) if math.isfinite(value) and math.isfinite(bound) else None
        stats = SearchStats(method=self.method, links=len(best) if best else len(network.users) + len(network.targets),
                            incumbent=sign * value if math.isfinite(value) else None,
                            best_bound=sign * bound if math.isfinite(bound) else None, gap=gap, nodes=nodes,
                            convex_solves=self._solves, stopped=stopped)
        if best is None:
            status = search_status(self.method, stopped, gap, self.gap_tol, None)
            proven = status == "infeasible"
            reason = ("no assignment meets the load, DoF and problem constraints" if proven else
                      f"the {self.method} search found no certified assignment (not a proof)")
            return make_solution(status=status, reason=reason, problem=repr(self), objective_name=self.base.objective,
                                 objective_unit=self.base.objective_class.unit, search=stats, network=network,
                                 timing=Timing(total_s=time.perf_counter() - t0))
        sol = self._cache[best][2]
        nt = network.n_targets
        ids = [b.id for b in network.base_stations]
        moved = [f"{t.id} -> {ids[best[i]]}" for i, t in enumerate(network.targets)] + \
                [f"{u.id} -> {ids[best[nt + k]]}" for k, u in enumerate(network.users)]
        reason = f"assignment of {size} possible: " + ", ".join(moved)
        if stopped:
            reason += f"; search stopped early ({stopped})"
        result = sol.model_copy(update={"problem": repr(self), "search": stats, "reason": reason,
                                        "bound": stats.best_bound,
                                        "status": search_status(self.method, stopped, gap, self.gap_tol, sol.status),
                                        "timing": Timing(total_s=time.perf_counter() - t0, recompiled=sol.timing.recompiled)})
        return result.with_design(sol.design)

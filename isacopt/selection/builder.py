"""Cluster selection: which BSs cooperate for which user and which target, under backhaul, load and DoF
limits, by exhaustive search, greedy or branch and bound over a cooperative ISAC problem.

Every user keeps its nearest BS and every target its nearest sensing BS; the ``candidates - 1``
next-nearest BSs of each are the binary links the search decides. Each choice is a cooperative ISAC
problem (:class:`isacopt.CooperativeISAC`, the ``base`` options) solved once and cached; its compiled
cvxpy problem is cached by cluster shape inside the base builder, so a planner that re-solves new
snapshots of the same network structure re-uses every compiled choice.
"""

from __future__ import annotations

import math
import time
from typing import Iterable, Literal

from pydantic import Field, PrivateAttr, model_validator

from .._model import ProblemModel
from ..errors import ValidationError
from ..solve.cache import CompileCache
from ..solve.outcome import make_solution
from ..cooperative import CooperativeISAC, fast_path
from ..network.model import Network
from ..objectives import searchable
from ..results import SearchStats, Solution, Timing
from .links import Limits, LinkSet
from .search import (
    Evaluator, branch_and_bound, drop_redundant_links, exhaustive, greedy, prefer_cheapest, search_status,
)

COMPILE_ONCE = True  # False: compile each choice's own problem (benchmarks/selection.py compares the two)
SEARCH_CACHE = 1024  # compiled choices kept per base problem (a planner's next snapshot re-uses them)
SHARED_CACHES = CompileCache(4)  # base problem (options) -> its compiled choices; the 4 most recent bases


class ClusterSelection(ProblemModel):
    """Declarative cluster selection (``kind: cluster_selection``): which BSs cooperate for whom.

    Every user keeps its nearest BS and every target its nearest BS; each of the ``candidates - 1``
    next-nearest BSs of a user (CoMP) or target (radar pair) is a binary link. A choice must respect
    every BS's backhaul capacity at the rate targets, ``max_users_per_bs``, ``max_targets_per_bs``
    and Nt streams; its value is the certified optimum of ``base`` (a :class:`CooperativeISAC`) with
    those clusters. ``method``: ``exhaustive`` (reference, <= ``max_exhaustive_links`` links),
    ``greedy`` (gain per backhaul bit) or ``branch_and_bound`` (bound: all undecided links on, limits
    dropped, valid because more links never hurt; proven ``gap_tol``). ``solve(network)`` returns the
    best choice's Solution with :class:`~isacopt.results.SearchStats`."""

    kind: Literal["cluster_selection"] = "cluster_selection"
    method: Literal["exhaustive", "greedy", "branch_and_bound"] = "branch_and_bound"
    candidates: int = Field(3, ge=1, le=50, description="M: each user / target may use its M nearest BSs")
    max_users_per_bs: int | None = Field(None, ge=0, le=10_000, description="users a BS may serve (in any cluster)")
    max_targets_per_bs: int | None = Field(None, ge=0, le=10_000, description="targets a BS may help sense")
    base: CooperativeISAC = Field(CooperativeISAC(objective="min_sum_crlb", rate_bps_hz=1.0),
                                  description="the cooperative problem of every choice (its cluster sizes are unused)")
    max_nodes: int = Field(10_000, ge=1, le=10_000_000, description="branch and bound: nodes at most")
    gap_tol: float = Field(1e-4, ge=0, le=1, description="branch and bound: prune within this relative gap")
    max_exhaustive_links: int = Field(14, ge=1, le=24, description="exhaustive: refuse more links than this")
    drop_redundant: bool = Field(True, description="then drop CoMP links that buy nothing (one solve per CoMP link "
                                                   "chosen): the cheapest of equally good choices")

    _exact: CooperativeISAC | None = PrivateAttr(None)
    _relaxed: CooperativeISAC | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _supported(self) -> "ClusterSelection":
        refusal = self.base.objective_class.search_refusal
        if refusal is not None:
            raise ValueError(f"base.objective: {self.base.objective!r} {refusal}; use "
                             f"{searchable('cooperative')}")
        return self

    @property
    def objective(self) -> str:
        """The base problem's objective, which the search optimises over cluster choices."""
        return self.base.objective

    def builders(self) -> tuple[CooperativeISAC, CooperativeISAC]:
        """(exact, relaxed) cooperative builders, kept so that their compiled problems are reused."""
        if self._exact is None:
            self._exact = self.base.model_copy(update={"enforce_backhaul": True})
            self._relaxed = self.base.model_copy(update={"enforce_backhaul": False})
            # enforce_backhaul is the only option the two differ in, and it is never compiled (a pre-check,
            # or a rate cap assigned at every solve): they share one cache, and so do all searches over
            # the same base problem (a sweep builds one search per grid point; the choices recur)
            shared = SHARED_CACHES.get(self._exact)
            if shared is None:
                shared = SHARED_CACHES[self._exact] = CompileCache(SEARCH_CACHE)
            self._exact._cache = self._relaxed._cache = shared
        return self._exact, self._relaxed  # type: ignore[return-value]

    def check(self, network: Network) -> None:
        """The checks of the base problem on ``network`` (raises ValidationError); solves nothing."""
        self.builders()[0].prepare(network)

    def solve(self, network: Network, *, time_limit_s: float | None = None,
              warm_start: Iterable[str] | None = None) -> Solution:
        """Choose the cooperation links (``method``) and solve the base problem for the best choice.

        ``warm_start``: links chosen before (``search.chosen`` of an earlier solution, e.g. the previous
        frame's); branch and bound evaluates that choice first, so its value prunes from the first node.
        Links that no longer exist (a node's nearest BSs changed) are dropped.

        Returns that choice's solution with ``search`` statistics (incumbent, proven bound, gap, nodes,
        convex solves, choices ruled out by the limits) and the chosen links in ``reason``. The status
        says whether the choice is proven optimal (``optimal``), a greedy answer with an open gap
        (``local_optimum``), cut short by ``max_nodes`` / ``time_limit_s`` (``time_limit``, incumbent
        kept) or proven ``infeasible``.
        """
        t0 = time.perf_counter()
        deadline = None if time_limit_s is None else t0 + time_limit_s
        exact, relaxed = self.builders()
        data, _ = exact.prepare(network)
        rates = tuple(0.0 if g is None else math.log2(1 + g) for g in data.sinr_targets)
        limits = Limits(network, rates, exact.sensing_level, self.max_users_per_bs, self.max_targets_per_bs)  # type: ignore[arg-type]
        links = LinkSet.nearest(network, self.candidates)
        heads = limits.violations(links.association(()))
        if heads:
            return self._status(network, "infeasible", "even without cooperation the limits are broken: "
                                + "; ".join(heads), t0, heads)

        # compiled once for every candidate link: each choice switches the others off (terms.link_gates);
        # not where each choice takes the subspace path, which compiles nothing (a search on the catalogue's
        # 7-cell problem: 0.34 s against 1.3 s compiled once, 0.63 s with the compilation cached)
        fast = fast_path.why_not(self.base, network) is None
        every = links.association(links.links) if COMPILE_ONCE and not fast else None

        def solve_choice(assoc, enforce: bool) -> Solution:
            left = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
            return (exact if enforce else relaxed).solve(network, association=assoc, time_limit_s=left,
                                                         structure=every)

        sign = self.base.objective_class.sign()
        ev = Evaluator(solve_choice, links, limits, sign, deadline)
        if self.method == "exhaustive":
            out = exhaustive(ev, self.max_exhaustive_links)
        elif self.method == "greedy":
            needs_crlb = self.base.objective_class.crlb or \
                self.base.root_crlb_m is not None or any(t.root_crlb_m is not None for t in network.targets)
            out = greedy(ev, observable_start=needs_crlb)
            out.bound = ev.evaluate(frozenset(links.links), relaxed=True).bound  # the root relaxation
        else:
            known = {link.describe(network): link for link in links.links}
            start = frozenset(known[w] for w in warm_start or () if w in known)
            out = branch_and_bound(ev, max_nodes=self.max_nodes, tol=self.gap_tol,
                                   start=start if warm_start is not None else None)
        if self.drop_redundant:
            drop_redundant_links(ev, out)  # the fewest links among equal optima (free for exhaustive: all cached)
        prefer_cheapest(ev, out)  # equal optima (to the solver's accuracy): the least backhaul, not round-off
        return self._result(network, links, ev, out, t0)

    def solve_fixed(self, network: Network, links: Iterable[str], *, time_limit_s: float | None = None) -> Solution:
        """The base problem with the given cooperation links (``search.chosen`` of an earlier solution), no
        search: a planner's re-solve while its clusters stay. The limits are checked as in a search; a
        choice that breaks one is ``infeasible`` with the broken limit named. Links that are not candidates
        of ``network`` are a ValidationError."""
        t0 = time.perf_counter()
        exact, _ = self.builders()
        data, _ = exact.prepare(network)
        rates = tuple(0.0 if g is None else math.log2(1 + g) for g in data.sinr_targets)
        limits = Limits(network, rates, exact.sensing_level, self.max_users_per_bs, self.max_targets_per_bs)  # type: ignore[arg-type]
        candidates = LinkSet.nearest(network, self.candidates)
        known = {link.describe(network): link for link in candidates.links}
        wanted = sorted(set(links))
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise ValidationError([("links", f"{', '.join(unknown)}: not candidate links of this network (each "
                                    f"node's {self.candidates} nearest BSs); use solve() to search again")])
        assoc = candidates.association(known[w] for w in wanted)
        stats = SearchStats(method="fixed", links=len(candidates.links), incumbent=None, best_bound=None, gap=None,
                            convex_solves=0, chosen=wanted)
        broken = limits.violations(assoc)
        if broken:
            return self._status(network, "infeasible", "the kept links break a limit: " + "; ".join(broken), t0,
                                broken, stats)
        sol = exact.solve(network, association=assoc, time_limit_s=time_limit_s)
        stats = stats.model_copy(update={"convex_solves": 1, "incumbent": sol.objective if sol.ok else None})
        reason = "cooperation links kept: " + (", ".join(wanted) if wanted else "none (non-cooperative)")
        return sol.model_copy(update={"problem": repr(self), "search": stats,
                                      "reason": reason if sol.ok else sol.reason}).with_design(sol.design)

    # -- results ----------------------------------------------------------------------------
    def _result(self, network, links, ev, out, t0) -> Solution:
        sign = self.base.objective_class.sign()
        incumbent = out.best_eval.value if out.best_eval is not None else math.inf
        bound = out.bound
        gap = (abs(incumbent - bound) / max(abs(incumbent), 1e-12)
               if math.isfinite(incumbent) and math.isfinite(bound) else None)
        stats = SearchStats(
            method=self.method, links=len(links.links), nodes=out.nodes, convex_solves=ev.solves,
            infeasible_choices=ev.skipped, incumbent=sign * incumbent if math.isfinite(incumbent) else None,
            best_bound=sign * bound if math.isfinite(bound) else None, gap=gap, stopped=out.stopped,
            chosen=sorted(link.describe(network) for link in out.best or ()))
        if out.best is None or not math.isfinite(incumbent):
            reasons = sorted({v for e in ev.cache.values() for v in e.violations})[:6]
            status = search_status(self.method, out.stopped, gap, self.gap_tol, None)
            proven = status == "infeasible"
            head = "no admissible choice has a certified design" if proven else \
                (f"the search stopped ({out.stopped}) before certifying an admissible choice" if out.stopped else
                 f"the {self.method} search found no admissible choice with a certified design (not a proof)")
            return self._status(network, status, head
                                + (": " + "; ".join(reasons) if reasons else ""), t0, reasons, stats)
        sol = out.best_eval.solution
        chosen = sorted(link.describe(network) for link in out.best)
        reason = "cooperation links chosen: " + (", ".join(chosen) if chosen else "none (non-cooperative)")
        if out.stopped:
            reason += f"; search stopped early ({out.stopped}), gap {gap if gap is not None else 'unknown'}"
        timing = Timing(total_s=time.perf_counter() - t0, recompiled=sol.timing.recompiled,
                        solver_s=sol.timing.solver_s, solve_s=sol.timing.solve_s)
        result = sol.model_copy(update={"problem": repr(self), "search": stats, "reason": reason,
                                        "status": search_status(self.method, out.stopped, gap, self.gap_tol, sol.status),
                                        "bound": stats.best_bound, "timing": timing})
        return result.with_design(sol.design)

    def _status(self, network, status, reason, t0, conflicts, stats=None) -> Solution:
        return make_solution(status=status, reason=reason, problem=repr(self), objective_name=self.base.objective,
                             objective_unit=self.base.objective_class.unit, conflicts=conflicts, search=stats,
                             network=network, timing=Timing(total_s=time.perf_counter() - t0))

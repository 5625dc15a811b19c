"""Exhaustive search, greedy and branch and bound over cooperation links, on one convex evaluator.

All values are in minimisation form (a max-min rate is negated). The relaxation of a branch-and-bound
node switches on every undecided link and drops the backhaul limit: the optimal value of the
cooperative problem can only improve with more links (a BS added to a cluster may transmit nothing
to that user, a radar pair added only adds Fisher information), so the relaxation's convex bound is
a valid bound for every choice below the node. A node whose relaxed choice already respects every
limit needs no branching: it is the best choice of its subtree.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from dataclasses import dataclass, field

from ..errors import ValidationError
from ..results import Solution
from .links import Limits, Link, LinkSet

TINY = 1e-12


@dataclass
class Evaluated:
    value: float            # certified objective (minimisation form); inf when no certified design
    bound: float            # the convex bound of the choice (minimisation form); inf when infeasible
    solution: Solution | None
    violations: list[str]
    loads_ok: bool = True   # the design's own backhaul loads (with its achieved rates) fit the capacities


@dataclass
class Evaluator:
    """Solves a choice once (cached by the set of links and by whether backhaul is enforced)."""

    solve: object           # callable(association, enforce_backhaul) -> Solution
    links: LinkSet
    limits: Limits
    sign: float
    deadline: float | None
    cache: dict = field(default_factory=dict)
    solves: int = 0
    skipped: int = 0

    def timed_out(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    def evaluate(self, on: frozenset[Link], *, relaxed: bool = False) -> Evaluated:
        """``relaxed``: ignore the limits (a bound); else a choice that breaks one is not solved."""
        key = (on, relaxed)
        if key in self.cache:
            return self.cache[key]
        assoc = self.links.association(on)
        violations = self.limits.violations(assoc)
        if violations and not relaxed:
            self.skipped += 1
            result = Evaluated(math.inf, math.inf, None, violations)
        else:
            self.solves += 1
            try:
                sol = self.solve(assoc, not relaxed)
            except ValidationError as err:  # e.g. a sensing cluster that cannot localise its target
                sol = None
                violations = violations + [p[1] for p in err.problems]
            result = self._read(sol, violations)
        self.cache[key] = result
        return result

    def _read(self, sol: Solution | None, violations: list[str]) -> Evaluated:
        if sol is None or sol.status == "infeasible":
            return Evaluated(math.inf, math.inf, sol, violations)
        value = self.sign * sol.objective if sol.ok and sol.objective is not None else math.inf
        raw = sol.bound if sol.bound is not None else (sol.objective if sol.ok else None)
        bound = self.sign * raw if raw is not None else -math.inf  # a failed solve proves nothing
        loads_ok = all(b.backhaul_capacity_bps is None or b.backhaul_load_bps <= b.backhaul_capacity_bps * (1 + 1e-9)
                       for b in sol.base_stations)
        return Evaluated(value, min(bound, value), sol, violations, loads_ok)


@dataclass
class Outcome:
    best: frozenset[Link] | None
    best_eval: Evaluated | None
    bound: float
    nodes: int
    stopped: str = ""


def exhaustive(ev: Evaluator, max_links: int) -> Outcome:
    """Every subset of the links (the reference). Refuses more than ``max_links`` links."""
    n = len(ev.links.links)
    if n > max_links:
        raise ValidationError([("method", f"exhaustive search over {n} links means {2 ** n} choices; it is "
                                f"limited to {max_links} links ({2 ** max_links} choices): use "
                                "'branch_and_bound' or 'greedy', or fewer candidates")])
    best, best_eval, nodes = None, None, 0
    for r in range(n + 1):
        for subset in itertools.combinations(ev.links.links, r):
            if ev.timed_out():
                return Outcome(best, best_eval, -math.inf, nodes, "time limit")
            nodes += 1
            e = ev.evaluate(frozenset(subset))
            if e.value < (best_eval.value if best_eval else math.inf):
                best, best_eval = frozenset(subset), e
    admissible = [e.bound for (on, relaxed), e in ev.cache.items() if not relaxed and not e.violations]
    bound = min(admissible) if admissible else math.inf  # every admissible choice's convex bound
    return Outcome(best, best_eval, bound, nodes)


def greedy(ev: Evaluator, *, observable_start: bool = False) -> Outcome:
    """From the non-cooperative choice, add the admissible link with the best gain per backhaul bit
    while one improves the objective.

    ``observable_start``: a CRLB needs every target sensed by two BSs (one BS measures one range), so the
    non-cooperative choice has no finite value to improve on; greedy then first gives each target, in
    turn, the second BS that keeps the choice within the limits at the least backhaul (nearest on ties).
    """
    current: frozenset[Link] = frozenset()
    if observable_start:
        for target in sorted({lk.node for lk in ev.links.links if lk.kind == "sense"}):
            base = ev.links.association(current)
            options = [lk for lk in ev.links.links if lk.kind == "sense" and lk.node == target
                       and not ev.limits.violations(ev.links.association(current | {lk}))]
            if options:  # the link order is nearest first, and min keeps the first of equal costs
                current = current | {min(options, key=lambda lk: ev.limits.added_load_bits(
                    base, ev.links.association(current | {lk})))}
    now = ev.evaluate(current)
    nodes = 1
    while not ev.timed_out():
        best_ratio, best_link, best_eval = 0.0, None, None
        base = ev.links.association(current)
        for link in ev.links.links:
            if link in current:
                continue
            trial = current | {link}
            e = ev.evaluate(trial)
            nodes += 1
            if not math.isfinite(e.value):
                continue
            gain = (now.value - e.value) if math.isfinite(now.value) else math.inf
            bits = max(ev.limits.added_load_bits(base, ev.links.association(trial)), 1.0)
            ratio = gain / bits
            if gain > 1e-9 * max(abs(e.value), 1.0) and ratio > best_ratio:
                best_ratio, best_link, best_eval = ratio, link, e
        if best_link is None:
            return Outcome(current if math.isfinite(now.value) else None, now, -math.inf, nodes)
        current, now = current | {best_link}, best_eval
    return Outcome(current if math.isfinite(now.value) else None, now, -math.inf, nodes, "time limit")


def branch_and_bound(ev: Evaluator, *, max_nodes: int, tol: float) -> Outcome:
    """Best-first branch and bound; nodes fix links in or out; bounds from the all-undecided-on relaxation."""
    links = ev.links.links
    best, best_eval = None, None
    incumbent = math.inf
    counter = itertools.count()
    heap: list = [(-math.inf, next(counter), frozenset(), frozenset())]
    closed_bounds: list[float] = []  # bounds of nodes settled without children (pruned or solved)
    nodes = 0
    stopped = ""
    while heap:
        parent_bound, _, fixed_in, fixed_out = heapq.heappop(heap)
        if parent_bound >= incumbent - tol * max(abs(incumbent), TINY):
            closed_bounds.append(parent_bound)
            continue
        if nodes >= max_nodes or ev.timed_out():
            heapq.heappush(heap, (parent_bound, next(counter), fixed_in, fixed_out))
            stopped = "node limit" if nodes >= max_nodes else "time limit"
            break
        nodes += 1
        if ev.limits.violations(ev.links.association(fixed_in)):  # monotone limits: no completion helps
            closed_bounds.append(math.inf)
            continue
        undecided = [lk for lk in links if lk not in fixed_in and lk not in fixed_out]
        all_on = fixed_in | frozenset(undecided)
        relaxed = ev.evaluate(all_on, relaxed=True)
        bound = max(relaxed.bound, parent_bound)
        if bound == math.inf or bound >= incumbent - tol * max(abs(incumbent), TINY):
            closed_bounds.append(bound)
            continue
        if not relaxed.violations and relaxed.loads_ok and math.isfinite(relaxed.value):
            exact = ev.evaluate(all_on)  # admissible, also at the rates it reaches: the best choice below
            if exact.value < incumbent:
                incumbent, best, best_eval = exact.value, all_on, exact
            closed_bounds.append(min(bound, exact.bound))
            continue
        if not undecided:  # a leaf: its exact value settles it
            exact = ev.evaluate(all_on)
            if exact.value < incumbent:
                incumbent, best, best_eval = exact.value, all_on, exact
            closed_bounds.append(exact.bound)
            continue
        link = _branching_link(ev, all_on, undecided)
        heapq.heappush(heap, (bound, next(counter), fixed_in | {link}, fixed_out))
        heapq.heappush(heap, (bound, next(counter), fixed_in, fixed_out | {link}))
    open_bounds = [b for b, *_ in heap]
    proven = min(closed_bounds + open_bounds + [incumbent])
    return Outcome(best, best_eval, proven, nodes, stopped)


def _branching_link(ev: Evaluator, all_on: frozenset[Link], undecided: list[Link]) -> Link:
    """An undecided link at a BS that breaks a limit, the most overloaded first, the costliest in backhaul
    first (ties: link order)."""
    assoc = ev.links.association(all_on)
    load = ev.limits.loads(assoc)
    bad = ev.limits.violating_bs(assoc)
    net = ev.limits.network
    over = [load[b] / bs.backhaul_bps if bs.backhaul_bps else 0.0 for b, bs in enumerate(net.base_stations)]

    def cost(link: Link) -> tuple[bool, float, float]:
        without = ev.limits.loads(ev.links.association(all_on - {link}))
        return (link.bs in bad, over[link.bs], float(load[link.bs] - without[link.bs]))

    return max(undecided, key=cost)

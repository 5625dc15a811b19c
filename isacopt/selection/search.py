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

import numpy as np

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
    non-cooperative choice has no finite value to improve on; greedy then first gives every target a
    second BS, matching targets to BSs with spare backhaul (nearest BSs preferred) as an assignment problem.
    """
    current: frozenset[Link] = _observable_start(ev) if observable_start else frozenset()
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


def _observable_start(ev: Evaluator) -> frozenset[Link]:
    """One extra sensing BS per target: a minimum-cost assignment of targets to the backhaul slots of the
    BSs (how many more targets' echoes each can forward), cost = minus a geometric proxy of the position
    information the pair would give (:func:`_pair_information`). Falls back to a target-by-target choice when the assignment is not admissible."""
    from scipy.optimize import linear_sum_assignment

    sense = [lk for lk in ev.links.links if lk.kind == "sense"]
    targets = sorted({lk.node for lk in sense})
    base = ev.links.association(())
    slots: list[int] = []
    for b, bs in enumerate(ev.limits.network.base_stations):
        at_b = [lk for lk in sense if lk.bs == b]
        if not at_b:
            continue
        per = ev.limits.added_load_bits(base, ev.links.association({at_b[0]}))
        spare = math.inf if bs.backhaul_bps is None else bs.backhaul_bps - float(ev.limits.loads(base)[b])
        count = len(targets) if per <= 0 or math.isinf(spare) else int(spare // per)
        slots += [b] * min(count, len(targets))
    if targets and slots:
        quality = {(lk.node, lk.bs): _pair_information(ev, lk) for lk in sense}
        cost = np.array([[-quality[(t, b)] if (t, b) in quality else 1e9 for b in slots] for t in targets])
        rows, cols = linear_sum_assignment(cost)
        if len(rows) == len(targets) and np.all(cost[rows, cols] < 1e9):
            chosen = frozenset(Link("sense", targets[r], slots[c]) for r, c in zip(rows, cols))
            if not ev.limits.violations(ev.links.association(chosen)):
                return chosen
    current: frozenset[Link] = frozenset()
    for target in targets:  # target by target: the admissible second BS costing least backhaul
        before = ev.links.association(current)
        options = [lk for lk in sense if lk.node == target
                   and not ev.limits.violations(ev.links.association(current | {lk}))]
        if options:
            current = current | {min(options, key=lambda lk: ev.limits.added_load_bits(
                before, ev.links.association(current | {lk})))}
    return current


def _pair_information(ev: Evaluator, link: Link) -> float:
    """log det of a range-only Fisher proxy for a target sensed by its head and ``link.bs``: every transmit /
    receive pair (i, j) measures the bistatic range with gradient u_i + u_j (unit vectors from the BSs to
    the target) and weight 1 / (d_i^2 d_j^2) (two-way path loss, exponent 2). Larger is better."""
    net = ev.limits.network
    target = np.asarray(net.targets[link.node].position_m)
    members = (ev.links.heads_sense[link.node], link.bs)
    vec = [target - net.bs_positions[b] for b in members]
    dist = [max(float(np.linalg.norm(v)), 1.0) for v in vec]
    unit = [v / d for v, d in zip(vec, dist)]
    fim = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            g = unit[i] + unit[j]
            fim += np.outer(g, g) / (dist[i] ** 2 * dist[j] ** 2)
    det = float(np.linalg.det(fim))
    return math.log(det) if det > 0 else -1e6


def branch_and_bound(ev: Evaluator, *, max_nodes: int, tol: float, start: frozenset[Link] | None = None) -> Outcome:
    """Best-first branch and bound; nodes fix links in or out; bounds from the all-undecided-on relaxation.
    ``start``: a choice evaluated first (a warm start); if admissible, it is the first incumbent."""
    links = ev.links.links
    best, best_eval = None, None
    incumbent = math.inf
    if start is not None:
        first = ev.evaluate(start)
        if math.isfinite(first.value) and first.loads_ok:
            incumbent, best, best_eval = first.value, start, first
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


def search_status(method: str, stopped: str, gap: float | None, gap_tol: float, found: str | None) -> str:
    """Status of a search result; ``found`` is the incumbent's own (convex) status, None without one.

    Without an incumbent: ``infeasible`` only when a complete exhaustive or branch-and-bound search
    proved it, ``time_limit`` when a budget stopped it, else ``solver_failure``. With one, the answer
    is only as good as its proof: a budget-stopped search whose gap is open is ``time_limit``, and a
    greedy answer not closed by the root bound is a ``local_optimum`` (no single link improves it).
    """
    if found is None:
        if stopped:
            return "time_limit"
        return "solver_failure" if method == "greedy" else "infeasible"
    open_gap = gap is None or gap > gap_tol
    if stopped and open_gap:
        return "time_limit"
    if method == "greedy" and open_gap and found in ("optimal", "optimal_reduced_accuracy"):
        return "local_optimum"
    return found


def drop_redundant_links(ev: Evaluator, out: Outcome, rel_tol: float = 1e-6) -> int:
    """Among equally good choices prefer fewer links: drop each CoMP link of the incumbent whose removal
    keeps the certified objective within ``rel_tol`` (one convex solve per CoMP link chosen). Branch and
    bound settles a node with all its undecided links on, so its choice can carry a BS that joins a
    user's cluster and buys nothing (its power could equally go to a sensing beam) while costing the
    user's data rate in backhaul. Radar links are kept: each adds the echoes its BS receives, so it
    is not redundant in general, and trying them all would multiply a large search's solves.
    Returns how many links were dropped."""
    if out.best is None or out.best_eval is None or not math.isfinite(out.best_eval.value):
        return 0
    target = out.best_eval.value + rel_tol * max(abs(out.best_eval.value), TINY)
    dropped = 0
    for link in sorted(lk for lk in out.best if lk.kind == "serve"):
        if ev.timed_out():
            break
        trial = out.best - {link}
        e = ev.evaluate(trial)
        if e.value <= target and e.loads_ok:
            out.best, out.best_eval = trial, e
            dropped += 1
    return dropped


def prefer_cheapest(ev: Evaluator, out: Outcome, rel_tol: float = 1e-6) -> None:
    """Among every choice solved exactly whose certified objective is within ``rel_tol`` of the
    incumbent's (equal optima, to the solver's accuracy), keep the one with the least total backhaul
    load (then the fewest links, then link order). Without this a tie is broken by round-off: two BSs
    that serve a user equally well can carry different data rates over their backhaul."""
    if out.best is None or out.best_eval is None or not math.isfinite(out.best_eval.value):
        return
    target = out.best_eval.value + rel_tol * max(abs(out.best_eval.value), TINY)

    def cost(item) -> tuple[float, int, list]:
        (on, _), e = item
        return (sum(b.backhaul_load_bps for b in e.solution.base_stations), len(on), sorted(on))

    equal = [(key, e) for key, e in ev.cache.items() if not key[1] and e.solution is not None and not e.violations
             and e.loads_ok and e.value <= target]
    if equal:
        (on, _), e = min(equal, key=cost)
        out.best, out.best_eval = on, e

"""How a frame's cluster-selection problem is solved as nodes move: a full search every frame (warm-started
from the previous frame's links), or the previous links kept until a trigger fires.

Triggers (``recluster: on_trigger``): the candidate links changed (a node's nearest BSs are not the same:
a hand-over, a target leaving a cluster's reach), the kept links no longer give a certified design
(a limit broke, the problem became infeasible), or ``recluster_frames`` frames passed since the last search.
Any other problem kind is solved as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..network.model import Network
from ..results import Solution
from ..selection import LinkSet


@dataclass
class Clustering:
    policy: str = "every_frame"       # or "on_trigger"
    warm_start: bool = True
    refresh_frames: int = 10
    links: tuple[str, ...] = ()       # the links in force (the last frame's choice)
    candidates: frozenset[str] = frozenset()
    since_search: int = 0
    searches: int = 0

    def solve(self, problem: Any, network: Network) -> Solution:
        """One solve of ``problem`` on ``network`` under the policy."""
        if getattr(problem, "kind", "") != "cluster_selection":
            return problem.solve(network)
        candidates = frozenset(link.describe(network) for link in LinkSet.nearest(network, problem.candidates).links)
        if (self.policy == "on_trigger" and self.searches and candidates == self.candidates
                and self.since_search < self.refresh_frames and set(self.links) <= candidates):
            kept = problem.solve_fixed(network, self.links)
            if kept.ok:
                return kept
        self.searches += 1
        self.candidates = candidates
        self.since_search = 0
        return problem.solve(network, warm_start=self.links if self.warm_start and self.links else None)

    def end_frame(self, solution: Solution) -> None:
        """The frame's choice is the next frame's starting point."""
        if solution.search is not None and solution.ok:
            self.links = tuple(solution.search.chosen)
        self.since_search += 1

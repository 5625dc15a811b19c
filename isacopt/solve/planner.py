"""Compile once, then update and solve many times: the planner's loop.

    planner = problem.compile(first_snapshot)     # builds and compiles the cvxpy problem(s)
    for snapshot in stream:
        sol = planner.update(snapshot).solve()    # assigns Parameters, re-solves

A snapshot whose structure (counts, null-space dimensions, who serves whom)
differs compiles its own problem, once; ``solve`` reports it in
``Solution.timing.recompiled``.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..network.model import Network
from ..results import Solution


class Solvable(Protocol):
    """What a planner drives: a problem family's options with ``solve(network, **kwargs)``."""

    def solve(self, network: Network, **kwargs: Any) -> Solution:
        """Solve one snapshot; infeasible and failed solves are statuses."""
        ...


class Planner:
    """A compiled problem and the snapshot it solves next (from ``problem.compile(network)``).

    ``update(network)`` swaps in a new snapshot; ``solve()`` solves it, re-using the compiled
    cvxpy problem when the structure is unchanged. ``solves`` counts the solves made.
    """

    def __init__(self, problem: Solvable, network: Network):
        self.problem = problem
        self.network = network
        self.solves = 0

    def update(self, network: Network) -> "Planner":
        """Use ``network`` for the next solve (data only: the compiled problems are kept)."""
        self.network = network
        return self

    def solve(self, **kwargs: Any) -> Solution:
        """Solve the current snapshot (keyword arguments go to the problem's ``solve``)."""
        self.solves += 1
        return self.problem.solve(self.network, **kwargs)

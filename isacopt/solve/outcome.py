"""The one factory that turns an outcome into a :class:`~isacopt.Solution`: status and reason, the
objective and its bound, every metric of the evaluated design, the certificate, the attempts (and the
solver that gave the answer), timings, versions and seed. Every problem family builds its Solution here,
so that a field is filled the same way everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..network.model import Network
from ..results import Certificate, SearchStats, Solution, Status, Timing
from .runner import SolveRecord
from .versions import versions

if TYPE_CHECKING:
    from ..design import TransmitDesign
    from ..evaluate import Evaluation


def make_solution(*, status: Status, problem: str, objective_name: str, objective_unit: str,
                  network: Network | None, timing: Timing, reason: str = "", records: Sequence[SolveRecord] = (),
                  evaluation: "Evaluation | None" = None, design: "TransmitDesign | None" = None,
                  certificate: Certificate | None = None, objective: float | None = None, bound: float | None = None,
                  conflicts: Sequence[str] = (), search: SearchStats | None = None) -> Solution:
    """A Solution from what a solve produced. ``records``: every solver attempt, in order (the last one is
    named as the solver); ``evaluation``: the metrics of ``design``, recomputed from it (none without a
    design); the seed is the network's channel seed (none without a network)."""
    nodes = {} if evaluation is None else dict(users=evaluation.users, targets=evaluation.targets,
                                               eavesdroppers=evaluation.eavesdroppers,
                                               base_stations=evaluation.base_stations, network=evaluation.network)
    sol = Solution(status=status, reason=reason, problem=problem, objective_name=objective_name,
                   objective_unit=objective_unit, objective=objective, bound=bound,
                   solver=records[-1].attempt if records else None, attempts=[r.describe() for r in records],
                   certificate=certificate, timing=timing, conflicts=list(conflicts), search=search,
                   versions=versions(), seed=getattr(network.channels, "seed", None) if network is not None else None,
                   **nodes)
    return sol.with_design(design)


def certified_status(holds: bool, *, accurate: bool, local: bool = False) -> Status:
    """The status of an extracted design: ``optimal`` (or ``optimal_reduced_accuracy`` from an inaccurate
    solve, ``local_optimum`` from a local method) when its certificate holds, else ``solver_failure``."""
    if not holds:
        return "solver_failure"
    if local:
        return "local_optimum"
    return "optimal" if accurate else "optimal_reduced_accuracy"

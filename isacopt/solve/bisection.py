"""Max-min SINR by bisection over a common SINR target (quasi-convex: each step is an SDP feasibility)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..formulation.data import SnapshotData


@dataclass
class BisectionResult:
    lo_db: float | None          # best feasible common target (None: not even the lowest one)
    hi_db: float                 # smallest target not shown feasible (or the single-user bound)
    steps: int
    solves: int
    proven_hi_db: float = float("inf")  # smallest target proven infeasible (or the initial upper bound)


def single_user_bound_db(data: SnapshotData, users: list[int]) -> float:
    """No user can beat its SINR alone with the whole budget of its BS: P_b ||h||^2 / sigma^2."""
    best = []
    for k in users:
        b = data.serving[k]
        h = data.channels.comm[b][k]
        best.append(data.network.base_stations[b].power_w * np.vdot(h, h).real / data.noise)
    return float(10 * np.log10(min(best)))


def bisect(feasible: Callable[[float], bool | None], lo_db: float, hi_db: float, tol_db: float) -> BisectionResult:
    """``feasible(db)`` returns True, False (proven out of reach), or None (nothing shown: a solver failure,
    a design that missed its certificate). None narrows the search like False, conservatively, but only False
    moves the proven bound: ``hi_db`` on entry must itself be a valid upper bound."""
    proven = hi_db
    first = feasible(lo_db)
    if not first:
        return BisectionResult(None, lo_db, 1, 1, lo_db if first is False else proven)
    found, steps, solves = lo_db, 0, 1
    while hi_db - found > tol_db and steps < 200:
        mid = (found + hi_db) / 2
        steps += 1
        solves += 1
        ok = feasible(mid)
        if ok:
            found = mid
        else:
            hi_db = mid
            if ok is False:
                proven = mid
    return BisectionResult(found, hi_db, steps, solves, proven)


__all__ = ["BisectionResult", "bisect", "single_user_bound_db"]

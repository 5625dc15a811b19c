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


def bisect(feasible: Callable[[float], bool | None], lo_db: float, hi_db: float, tol_db: float,
           max_open: int = 6, reached: Callable[[float], float] | None = None,
           refuted: Callable[[float, float], float] | None = None,
           bounded: Callable[[float], float] | None = None, start_at_top: bool = False) -> BisectionResult:
    """``feasible(db)`` returns True, False (proven out of reach), or None (nothing shown: a solver failure,
    a design that missed its certificate). Only False (and ``bounded``) moves the proven bound: ``hi_db`` on
    entry must itself be a valid upper bound.

    A level left open usually sits at the very edge of feasibility (a least-power step within rounding of
    the budget), so the search does not stop under it: it probes alternately between the reached level and
    the open one (to reach closer) and between the open one and the proven bound (to prove closer), until
    the reached level and the bound are within ``tol_db`` or ``max_open`` steps in a row show nothing (a
    wide band the solver cannot decide; the gap then says so). ``reached(db)``, after ``feasible(db)`` was
    True: the level the design found there reaches (at least db; a certified design's own worst SINR), and
    the search goes on from there instead of from db; after False, the level of a design the step found all
    the same (-inf: none). ``refuted(db, found)``, after ``feasible(db)`` was False:
    the lowest level in (found, db] that the same proof also puts out of reach (a dual certificate usually
    holds well below the level it was found at), where the proven bound then moves. ``bounded(db)``, after
    any step: a level the step's certificate puts out of reach whatever the step's answer (inf: none), e.g.
    the parametric bound of a margin problem (formulation.level_margin). ``start_at_top``: the first probe
    sits just under ``hi_db`` (where the optimum usually is, and a design found above it usually lands near
    it); ``lo_db`` is then probed only when that step found no design at or above it."""
    proven, found, edge, solves = hi_db, None, False, 0

    def learn(db: float, ok: bool | None, low: float) -> tuple[float | None, bool]:
        """What a step at db showed: a level some design reaches above ``low`` (None: none) and whether a
        certificate moved the proven bound (which it lowers) toward the edge."""
        nonlocal proven
        got, moved = None, False
        if ok:
            got = db if reached is None else max(db, min(reached(db), proven))
        elif ok is False:
            proven = db
            if refuted is not None:
                lower = refuted(db, low)
                if low < lower < db:
                    proven, moved = lower, True
            if reached is not None:  # a level out of reach may still have shown a design below it
                level = min(reached(db), proven)
                got = level if level >= low else None
        return got, moved

    if start_at_top:  # a design found just under the bound usually shows a level near the optimum
        top = hi_db - 0.9 * tol_db
        ok, solves = feasible(top), 1
        found, edge = learn(top, ok, lo_db)  # found: the lowest level need not be asked
        if bounded is not None:
            proven = min(proven, max(bounded(top), lo_db if found is None else found))
    if found is None:
        first = feasible(lo_db)
        solves += 1
        if not first:
            return BisectionResult(None, lo_db, 1, solves, lo_db if first is False else proven)
        found = lo_db
        if reached is not None:
            found = max(found, min(reached(lo_db), proven))
        if bounded is not None:
            proven = min(proven, max(bounded(lo_db), found))
    steps = 0
    open_db: float | None = None  # the last level left open, inside (found, proven)
    below, unsure = True, 0
    # once a certificate has moved the bound (it usually lands within a few tolerances of the edge), a probe
    # just under it ends the search when reachable; one that is not is followed by a halving step, so the
    # search never takes more than twice the steps of plain halving
    guessed = False
    while proven - found > tol_db and steps < 200 and unsure < max_open:
        guess = open_db is None and edge and not guessed
        if guess:
            mid = proven - 0.9 * tol_db
        elif open_db is None:
            mid = (found + proven) / 2
        else:
            # an open level marks the edge to within what the solver can decide: a probe below it goes no
            # lower than one tolerance under it (reachable all but surely, and within reach of the end),
            # where halving from a reached level far below took up to ten more steps
            mid = max((found + open_db) / 2, open_db - tol_db) if below else (open_db + proven) / 2
            below = not below
        steps += 1
        solves += 1
        ok = feasible(mid)
        guessed = guess and not ok
        unsure = unsure + 1 if ok is None else 0
        got, moved = learn(mid, ok, found)
        found, edge = max(found, got if got is not None else found), edge or moved
        if ok is None:
            open_db = mid
        if bounded is not None:  # a certificate, but seldom a tight one (no guess under it): at least the
            proven = min(proven, max(bounded(mid), found))  # level found is reachable, whatever it says
        if open_db is not None and not found < open_db < proven:
            open_db = None
    hi = proven if open_db is None else open_db
    return BisectionResult(found, hi, steps, solves, proven)


def lowest_refuted(out_of_reach: Callable[[float], bool], found_db: float, proven_db: float, tol_db: float,
                   checks: int = 20) -> float:
    """The lowest level in (found_db, proven_db] that ``out_of_reach`` is shown to hold at, by bisection of at
    most ``checks`` calls (``out_of_reach`` holds at ``proven_db`` and, being one certificate, on an interval
    below it), stopping within ``tol_db / 2`` of the edge: each call is a bound, not a solve (on Fig. 3 rows
    8 calls left the bisection 15 % more steps than 20)."""
    lo, hi = found_db, proven_db
    for _ in range(checks):
        if hi - lo <= tol_db / 2:
            break
        mid = (lo + hi) / 2
        if out_of_reach(mid):
            hi = mid
        else:
            lo = mid
    return hi


__all__ = ["BisectionResult", "bisect", "lowest_refuted", "single_user_bound_db"]

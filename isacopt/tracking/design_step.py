"""One frame's design from the prediction: the problem on the predicted snapshot, SINR margins calibrated
by sampling (:mod:`.margin`), a max-min SINR fallback where the targets cannot be met."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..network.layouts import rng_for
from ..objectives import REGISTRY, MaxMinSinr
from ..results import Solution
from .clustering import Clustering
from .kalman import Track
from .margin import draw_channels, shortfall_db
from .scenario import TrackingScenario
from .tracker import Tracker

STREAM_MARGIN = 43
MARGIN_TOL_DB = 0.1   # calibration stops when every user's quantile is within this of its target...
MARGIN_SLACK_DB = 1.0  # ...and no margin exceeds what it needs by more than this


def solve_once(problem: Any, network, clustering: Clustering) -> Solution:
    return clustering.solve(problem, network)


@functools.lru_cache(maxsize=16)  # one fallback object per problem: its compiled problems are kept across frames
def fallback_problem(problem: Any) -> Any | None:
    """The same problem with the max-min SINR objective (no SINR targets needed), if its family has one."""
    if getattr(problem, "kind", "") != "coordinated_beamforming" or problem.objective_class is MaxMinSinr:
        return None
    name = next(n for n, cls in REGISTRY["coordinated"].items() if cls is MaxMinSinr)
    return problem.model_copy(update={"objective": name, "sinr_db": None})


def solve_with_fallback(problem: Any, network, clustering: Clustering, enabled: bool) -> tuple[Solution, int, bool]:
    """(solution, solves, fell back): the problem, or its max-min SINR version where the targets cannot be met."""
    sol = solve_once(problem, network, clustering)
    other = fallback_problem(problem) if enabled and sol.status == "infeasible" else None
    if other is None:
        return sol, 1, False
    plain = network.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in network.users])
    backup = other.solve(plain)
    return (backup, 2, True) if backup.ok else (sol, 2, False)


def objective_value(sol: Solution) -> float:
    return float(sol.objective) if sol.ok and sol.objective is not None else float("nan")


def predictive_design(scenario: TrackingScenario, tracks: list[Track], frame: int = 0,
                      margins: NDArray[np.float64] | None = None) -> tuple[Solution, NDArray[np.float64]]:
    """The design of one frame from the tracks' predictions (step 2 of the loop): the solution and each
    user's SINR margin [dB] (calibrated from ``margins``, default none, when ``tracking.margin`` says so)."""
    tracker = Tracker.from_tracks(scenario, tracks)
    start = np.zeros(len(tracker.users)) if margins is None else np.asarray(margins, float)
    sol, out, *_ = design_frame(scenario, scenario.problem, tracker, start, scenario.sinr_target_db, frame,
                                Clustering())
    return sol, out


def design_frame(scenario: TrackingScenario, problem: Any, tracker: Tracker, margins: np.ndarray, base: float, n: int,
                 clustering: Clustering):
    """The frame's design from the prediction, with calibrated margins;
    (solution, margins, solves, recompiles, fell back to max-min SINR)."""
    opts = scenario.tracking
    count = {"solves": 0, "recompiled": 0, "fallback": False}

    def solve(m: np.ndarray) -> Solution:
        targets_db = None if not np.isfinite(base) else [base + float(x) for x in m]
        net = tracker.predicted_network(sinr_db=targets_db, name=f"prediction {n}")
        sol, used, fell = solve_with_fallback(problem, net, clustering, opts.fallback and not np.any(m > 0))
        count["solves"] += used
        count["fallback"] = fell
        count["recompiled"] += int(sol.timing.recompiled)
        return sol

    users = tracker.users
    if opts.margin == "none" or not users:
        zero = np.zeros(len(users))
        sol = solve(zero)
        return sol, zero, count["solves"], count["recompiled"], count["fallback"]
    rng = rng_for(opts.seed, STREAM_MARGIN, n)
    prior_xy = tracker.predicted_xy()
    draws = [draw_channels(scenario.base_stations, scenario.system, scenario.channels, prior_xy[u],
                           tracker.tracks[u].position_cov, opts.margin_samples, rng) for u in users]
    type1 = [scenario.receiver == "type1"] * len(users)
    wanted = np.full(len(users), base)
    m = margins.copy()
    best, best_m = None, m
    for _ in range(opts.margin_iterations):
        sol = solve(m)
        if not sol.ok:
            if best is None and np.any(m > 0):  # last frame's margins ask too much now: start from none
                m = np.zeros(len(users))
                continue
            if best is None:
                break
            m = best_m + 0.5 * (m - best_m)  # the step asked too much: go half as far
            continue
        best, best_m = sol, m.copy()
        if count["fallback"]:  # no targets to hold: nothing to calibrate
            break
        short = shortfall_db(draws, sol.design, wanted, opts.outage, scenario.system.noise_w, type1,
                             scenario.joint_transmission)
        if np.all(short <= MARGIN_TOL_DB) and np.all((short >= -MARGIN_SLACK_DB) | (m <= 0)):
            break
        m = np.maximum(0.0, m + short)
    if best is None:
        return sol, np.zeros(len(users)), count["solves"], count["recompiled"], False
    return best, best_m, count["solves"], count["recompiled"], count["fallback"]

"""The frame loop: predict, design from the prediction, transmit, measure the echoes, update the tracks.

Frame n (time n T):

1. each node's prior ``N(x_n|n-1, P_n|n-1)`` (frame 0: the initial prior around the truth);
2. the design is solved on the *predicted* snapshot: users and targets at their predicted positions,
   line-of-sight channels (all a tracker knows), each user's SINR target raised by its margin
   (:mod:`.design_step`);
3. the achieved SINR of every user is computed with the *true* channels (true positions, the
   scenario's fading drawn for this frame); with ``compare``, the same problem is solved with the true
   channels (perfect CSI) and the beam-training baseline gets that rate times ``1 - training_fraction``;
4. the design's echoes give each node's measurements, drawn at their CRLB accuracy, and the filter
   updates (:class:`.tracker.Tracker`); its posterior is predicted to frame n + 1.

Solves go through the problem object, whose compiled problems are cached by structure: a frame whose
structure is unchanged re-solves without recompiling (counted in ``recompiles``).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ..channels.derive import derive_channels
from ..errors import ValidationError
from ..metrics.comm import sinr
from ..network.layouts import rng_for
from ..network.model import Network
from .design_step import design_frame, objective_value, solve_with_fallback
from .motion import propagate
from .clustering import Clustering
from .records import Frame, TrackRun
from .scenario import TrackingScenario
from .tracker import Tracker

STREAM_TRUTH = 40


def _frame_seed(seed: int, n: int) -> int:
    return int(np.random.SeedSequence([seed, STREAM_TRUTH, n]).generate_state(1, np.uint64)[0] >> 1)


def run_tracking(scenario: TrackingScenario, frames: int | None = None, *, progress: Any = None) -> TrackRun:
    """Run ``frames`` frames (default: the scenario's) and return every frame's record."""
    opts = scenario.tracking
    n_frames = opts.frames if frames is None else frames
    problem = scenario.problem
    movers = scenario.movers
    users = [i for i, m in enumerate(movers) if m.kind == "user"]
    targets = [i for i, m in enumerate(movers) if m.kind == "target"]
    truth = np.stack([propagate(m, opts.frame_s, n_frames, rng_for(opts.seed, STREAM_TRUTH, i))
                      for i, m in enumerate(movers)], axis=1)  # (frames, N, 4)
    tracker = Tracker(scenario, truth[0])
    base = scenario.sinr_target_db
    margins = np.zeros(len(users))
    joint = scenario.joint_transmission
    run = TrackRun(scenario)
    clustering = Clustering(opts.recluster, opts.warm_start, opts.recluster_frames)
    bound_clustering = Clustering("every_frame", opts.warm_start)  # perfect CSI: the best choice every frame
    t_start = time.perf_counter()
    for n in range(n_frames):
        spec = scenario.channels
        if hasattr(spec, "seed"):
            spec = spec.model_copy(update={"seed": _frame_seed(opts.seed, n)})
        try:
            true_net = scenario.network(truth[n, users, :2], truth[n, targets, :2], channels=spec, name=f"frame {n}")
        except ValidationError as err:
            raise ValidationError([(f"movers (frame {n}, t = {n * opts.frame_s:g} s)", p[1]) for p in err.problems]
                                  + [("movers", "a path comes too close to a base station: change its start, "
                                      "velocity or turn rate, or run fewer frames")]) from None
        true_ch = derive_channels(true_net)
        prior = list(tracker.tracks)
        t0 = time.perf_counter()
        sol, margins, solves, recompiled, fell = design_frame(scenario, problem, tracker, margins, base, n, clustering)
        solve_s = time.perf_counter() - t0
        sinr_db: dict[str, np.ndarray] = {}
        rates: dict[str, np.ndarray] = {}
        design = sol.design if sol.ok else None
        sinr_db["predictive"] = achieved_sinr_db(true_net, true_ch, design, joint)
        objective = {"predictive": objective_value(sol)}
        if opts.compare:
            perfect, used, _ = solve_with_fallback(problem, true_net, bound_clustering, opts.fallback)
            bound_clustering.end_frame(perfect)
            solves += used
            recompiled += int(perfect.timing.recompiled)
            sinr_db["perfect"] = achieved_sinr_db(true_net, true_ch, perfect.design if perfect.ok else None, joint)
            objective["perfect"] = objective_value(perfect)
        for s, v in sinr_db.items():
            rates[s] = np.log2(1 + 10 ** (v / 10))
        if opts.compare:
            rates["training"] = (1 - opts.training_fraction) * rates["perfect"]
        counts, crlb = tracker.observe(design, truth[n], spec, sol)  # the echoes of this frame's design
        clustering.end_frame(sol)
        backhaul = sum(b.backhaul_load_bps for b in sol.base_stations) if sol.ok else 0.0
        status = "fallback" if fell else sol.status
        run.frames.append(Frame(
            n * opts.frame_s, status, sol.reason, truth[n].copy(), prior, list(tracker.tracks), counts, crlb,
            margins.copy(), sinr_db, rates, objective, solves, recompiled, solve_s, backhaul,
            tuple(sol.search.chosen) if sol.search is not None else (),
            sol.search.convex_solves if sol.search is not None else 0))
        tracker.advance()
        if progress is not None:
            progress(n + 1, n_frames)
    run.wall_s = time.perf_counter() - t_start
    return run


def achieved_sinr_db(network: Network, channels, design, joint: str) -> np.ndarray:
    """Every user's SINR [dB] with ``design`` over the true channels (-inf: nothing was sent)."""
    if design is None:
        return np.full(network.n_users, -np.inf)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(sinr(network, channels, design, joint))  # type: ignore[arg-type]

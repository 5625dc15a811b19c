"""The frame loop: predict, design from the prediction, transmit, measure the echoes, update the tracks.

Frame n (time n T):

1. each node's prior ``N(x_n|n-1, P_n|n-1)`` (frame 0: the initial prior around the truth);
2. the design is solved on the *predicted* snapshot: users and targets at their predicted positions,
   line-of-sight channels (all a tracker knows), each user's SINR target raised by its margin;
3. the achieved SINR of every user is computed with the *true* channels (true positions, the
   scenario's fading drawn for this frame); with ``compare``, the same problem is solved with the true
   channels (perfect CSI) and the beam-training baseline gets that rate times ``1 - training_fraction``;
4. the design's echoes give each node's measurements (:mod:`.measure`), drawn at their CRLB accuracy,
   and the filter updates; its posterior is predicted to frame n + 1.

Solves go through the problem object, whose compiled problems are cached by structure: a frame whose
structure is unchanged re-solves without recompiling (counted in ``recompiles``).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..channels.derive import derive_channels
from ..metrics.comm import sinr
from ..metrics.position_crlb import crlb_from_fim, position_measurements
from ..network.channel_spec import LosChannels
from ..network.model import Network
from ..network.nodes import Target
from ..network.layouts import rng_for
from ..errors import ValidationError
from ..results import Solution
from .kalman import Track, cv_model, nees, predict, update
from .margin import draw_channels, shortfall_db
from .measure import draw, stack, usable
from .motion import propagate
from .scenario import TrackingScenario

_STREAM_TRUTH, _STREAM_INIT, _STREAM_MEAS, _STREAM_MARGIN = 40, 41, 42, 43
MARGIN_TOL_DB = 0.1   # calibration stops when every user's quantile is within this of its target...
MARGIN_SLACK_DB = 1.0  # ...and no margin exceeds what it needs by more than this
OUTAGE_TOL_DB = 0.01   # a design met at the solver's accuracy is not an outage


@dataclass
class Frame:
    """Everything one frame produced (arrays over movers in scenario order, or over users)."""

    t_s: float
    status: str
    reason: str
    truth: NDArray[np.float64]            # (N, 4) true states
    prior: list[Track]                    # the prediction the design used
    posterior: list[Track]                # after this frame's measurements
    measurements: NDArray[np.int64]       # (N,) measurements fused per node
    root_crlb_m: NDArray[np.float64]      # (N,) root position CRLB of the design's echoes (inf: unobservable)
    margin_db: NDArray[np.float64]        # (K,) SINR margin per user
    sinr_db: dict[str, NDArray[np.float64]]   # scheme -> (K,) achieved SINR with the true channels
    rate_bps_hz: dict[str, NDArray[np.float64]]
    objective: dict[str, float]           # scheme -> the design's objective (its unit: the problem's)
    solves: int
    recompiled: int
    solve_s: float
    backhaul_bps: float
    links: tuple[str, ...] = ()           # cluster selection: the cooperation links chosen


@dataclass
class TrackRun:
    """A scenario's frames and what they add up to (:meth:`summary`)."""

    scenario: TrackingScenario
    frames: list[Frame] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.scenario.movers]

    @property
    def user_ids(self) -> list[str]:
        return [m.id for m in self.scenario.users]

    def schemes(self) -> list[str]:
        return list(self.frames[0].rate_bps_hz) if self.frames else []

    def position_errors(self) -> NDArray[np.float64]:
        """(frames, N): distance between the tracked (posterior) and the true position [m]."""
        return np.array([[np.linalg.norm(p.position - x[:2]) for p, x in zip(f.posterior, f.truth)] for f in self.frames])

    def nees(self) -> NDArray[np.float64]:
        """(frames, N): the posterior's NEES (4 degrees of freedom when the filter is consistent)."""
        return np.array([[nees(x, p) for p, x in zip(f.posterior, f.truth)] for f in self.frames])

    def goodput(self) -> dict[str, NDArray[np.float64]]:
        """scheme -> (frames, K): the target rate where a user's SINR met its target, else 0 (a link coded for
        the target rate), times the share of the frame left for data; empty without SINR targets."""
        target = _base_target(self.scenario)
        if not np.isfinite(target) or not self.frames:
            return {}
        out = {}
        for s in self.schemes():
            key = "perfect" if s == "training" else s  # the training baseline transmits the perfect-CSI design
            share = 1 - self.scenario.tracking.training_fraction if s == "training" else 1.0
            met = np.array([f.sinr_db[key] for f in self.frames]) >= target - OUTAGE_TOL_DB
            out[s] = share * np.log2(1 + 10 ** (target / 10)) * met
        return out

    def summary(self) -> dict[str, Any]:
        """Means over frames (and users or nodes): rates, outage, tracking error, CRLB, solver work."""
        opts = self.scenario.tracking
        out: dict[str, Any] = {"frames": len(self.frames), "frame_s": opts.frame_s}
        goodput = self.goodput()
        for s in self.schemes():
            rates = np.array([f.rate_bps_hz[s] for f in self.frames])
            out[f"rate_{s}_bps_hz"] = float(rates.mean()) if rates.size else float("nan")
            if s in goodput:
                out[f"outage_{s}"] = float(np.mean(goodput[s] == 0))
                out[f"goodput_{s}_bps_hz"] = float(goodput[s].mean())
        for s, values in zip(self.frames[0].objective if self.frames else (),
                             zip(*[f.objective.values() for f in self.frames])):
            out[f"objective_{s}"] = float(np.nanmean(values))
        err = self.position_errors()
        out["position_rmse_m"] = float(np.sqrt(np.mean(err**2)))
        crlb = np.array([f.root_crlb_m for f in self.frames])
        out["median_root_crlb_m"] = float(np.median(crlb))
        out["mean_nees"] = float(np.mean(self.nees()))
        out["mean_margin_db"] = float(np.mean([f.margin_db.mean() for f in self.frames if f.margin_db.size])) \
            if any(f.margin_db.size for f in self.frames) else 0.0
        out["solves"] = sum(f.solves for f in self.frames)
        out["recompiles"] = sum(f.recompiled for f in self.frames)
        out["infeasible_frames"] = sum(f.status == "infeasible" for f in self.frames)
        out["fallback_frames"] = sum(f.status == "fallback" for f in self.frames)
        out["seconds_per_frame"] = self.wall_s / max(len(self.frames), 1)
        out["mean_backhaul_bps"] = float(np.mean([f.backhaul_bps for f in self.frames]))
        return out


def _base_target(scenario: TrackingScenario) -> float:
    p = scenario.problem
    value = getattr(p, "sinr_db", None)
    if value is None:
        value = getattr(getattr(p, "base", None), "sinr_db", None)
    return float("nan") if value is None else float(value)


def _joint(problem: Any) -> str:
    return getattr(problem, "joint_transmission", None) or getattr(getattr(problem, "base", None),
                                                                   "joint_transmission", "coherent")


def keep_clear(xy: NDArray[np.float64], bs_xy: NDArray[np.float64], dmin: float) -> NDArray[np.float64]:
    """Predicted positions, each pushed radially out to ``dmin`` from a BS it came closer to (a prediction
    may stray where no node can be; the design needs a valid snapshot)."""
    out = xy.copy()
    for b in bs_xy:
        d = out - b
        r = np.linalg.norm(d, axis=1)
        near = r < dmin * (1 + 1e-9)
        safe = np.where(r[near, None] > 0, d[near] / np.maximum(r[near, None], 1e-300), np.array([1.0, 0.0]))
        out[near] = b + safe * dmin * (1 + 1e-6)
    return out


def _frame_seed(seed: int, n: int) -> int:
    return int(np.random.SeedSequence([seed, _STREAM_TRUTH, n]).generate_state(1, np.uint64)[0] >> 1)


def _solve(problem: Any, network, warm: tuple[str, ...]) -> Solution:
    if warm and getattr(problem, "kind", "") == "cluster_selection":
        return problem.solve(network, warm_start=warm)
    return problem.solve(network)


@functools.lru_cache(maxsize=16)  # one fallback object per problem: its compiled problems are kept across frames
def fallback_problem(problem: Any) -> Any | None:
    """The same problem with the max-min SINR objective (no SINR targets needed), if its family has one."""
    if getattr(problem, "kind", "") != "coordinated_beamforming" or problem.objective == "max_min_sinr":
        return None
    return problem.model_copy(update={"objective": "max_min_sinr", "sinr_db": None})


def _with_fallback(problem: Any, network, warm: tuple[str, ...], enabled: bool) -> tuple[Solution, int, bool]:
    """(solution, solves, fell back): the problem, or its max-min SINR version where the targets cannot be met."""
    sol = _solve(problem, network, warm)
    other = fallback_problem(problem) if enabled and sol.status == "infeasible" else None
    if other is None:
        return sol, 1, False
    plain = network.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in network.users])
    backup = other.solve(plain)
    return (backup, 2, True) if backup.ok else (sol, 2, False)


def _objective(sol: Solution) -> float:
    return float(sol.objective) if sol.ok and sol.objective is not None else float("nan")


def _links(sol: Solution) -> tuple[str, ...]:
    return tuple(sol.search.chosen) if sol.search is not None else ()


def run_tracking(scenario: TrackingScenario, frames: int | None = None, *, progress: Any = None) -> TrackRun:
    """Run ``frames`` frames (default: the scenario's) and return every frame's record."""
    opts = scenario.tracking
    n_frames = opts.frames if frames is None else frames
    problem = scenario.problem
    movers = scenario.movers
    users = [i for i, m in enumerate(movers) if m.kind == "user"]
    targets = [i for i, m in enumerate(movers) if m.kind == "target"]
    truth = np.stack([propagate(m, opts.frame_s, n_frames, rng_for(opts.seed, _STREAM_TRUTH, i))
                      for i, m in enumerate(movers)], axis=1)  # (frames, N, 4)
    f_mat, q_mat = cv_model(opts.frame_s, opts.filter_accel_std_mps2)
    p0 = np.diag([opts.initial_position_std_m**2] * 2 + [opts.initial_velocity_std_mps**2] * 2)
    init = rng_for(opts.seed, _STREAM_INIT)
    tracks = [Track(truth[0, i] + np.linalg.cholesky(p0) @ init.standard_normal(4), p0) for i in range(len(movers))]
    meas_rng = rng_for(opts.seed, _STREAM_MEAS)
    bs_xy = np.array([b.position_m for b in scenario.base_stations], dtype=float)
    base = _base_target(scenario)
    margins = np.zeros(len(users))
    joint = _joint(problem)
    design_channels = LosChannels(crosslink=getattr(scenario.channels, "crosslink", "los"))  # geometry only
    run = TrackRun(scenario)
    warm: tuple[str, ...] = ()
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
        prior_xy = keep_clear(np.array([t.position for t in tracks]), bs_xy, scenario.system.min_distance_m)
        t0 = time.perf_counter()
        sol, margins, solves, recompiled, fell = _design(scenario, problem, prior_xy, tracks, users, targets, margins,
                                                   base, design_channels, n, warm)
        solve_s = time.perf_counter() - t0
        sinr_db: dict[str, np.ndarray] = {}
        rates: dict[str, np.ndarray] = {}
        design = sol.design if sol.ok else None
        sinr_db["predictive"] = _achieved(true_net, true_ch, design, joint)
        objective = {"predictive": _objective(sol)}
        if opts.compare:
            perfect, used, _ = _with_fallback(problem, true_net, warm, opts.fallback)
            solves += used
            recompiled += int(perfect.timing.recompiled)
            sinr_db["perfect"] = _achieved(true_net, true_ch, perfect.design if perfect.ok else None, joint)
            objective["perfect"] = _objective(perfect)
        for s, v in sinr_db.items():
            rates[s] = np.log2(1 + 10 ** (v / 10))
        if opts.compare:
            rates["training"] = (1 - opts.training_fraction) * rates["perfect"]
        # the echoes of this frame's design, at the true geometry; clusters from the predicted positions
        eval_net = _echo_network(scenario, truth[n, :, :2], spec)
        posterior, counts, crlb = _measure(scenario, eval_net, design, prior_xy, tracks, truth[n], bs_xy, meas_rng, sol)
        warm = _links(sol) or warm
        backhaul = sum(b.backhaul_load_bps for b in sol.base_stations) if sol.ok else 0.0
        status = "fallback" if fell else sol.status
        run.frames.append(Frame(n * opts.frame_s, status, sol.reason, truth[n].copy(), tracks, posterior, counts,
                                crlb, margins.copy(), sinr_db, rates, objective, solves, recompiled, solve_s, backhaul, _links(sol)))
        tracks = [predict(p, f_mat, q_mat) for p in posterior]
        if progress is not None:
            progress(n + 1, n_frames)
    run.wall_s = time.perf_counter() - t_start
    return run


def predictive_design(scenario: TrackingScenario, tracks: list[Track], frame: int = 0,
                      margins: NDArray[np.float64] | None = None) -> tuple[Solution, NDArray[np.float64]]:
    """The design of one frame from the tracks' predictions (step 2 of the loop): the solution and each
    user's SINR margin [dB] (calibrated from ``margins``, default none, when ``tracking.margin`` says so)."""
    users = [i for i, m in enumerate(scenario.movers) if m.kind == "user"]
    targets = [i for i, m in enumerate(scenario.movers) if m.kind == "target"]
    start = np.zeros(len(users)) if margins is None else np.asarray(margins, float)
    los = LosChannels(crosslink=getattr(scenario.channels, "crosslink", "los"))
    sol, out, *_ = _design(scenario, scenario.problem, np.array([t.position for t in tracks]), tracks, users, targets,
                           start, _base_target(scenario), los, frame, ())
    return sol, out


def _echo_network(scenario: TrackingScenario, xy: np.ndarray, spec) -> Network:
    """Every mover as a radar target at its true position (a user is sensed by the echo of its own beam)."""
    targets = [Target(id=m.id, position_m=tuple(p), rcs_m2=m.rcs_m2) for m, p in zip(scenario.movers, xy)]
    return Network(name="echoes", system=scenario.system, channels=spec, base_stations=scenario.base_stations,
                   targets=targets)


def _achieved(network: Network, channels, design, joint: str) -> np.ndarray:
    """Every user's SINR [dB] with ``design`` over the true channels (-inf: nothing was sent)."""
    if design is None:
        return np.full(network.n_users, -np.inf)
    with np.errstate(divide="ignore"):
        return 10 * np.log10(sinr(network, channels, design, joint))  # type: ignore[arg-type]


def _design(scenario: TrackingScenario, problem: Any, prior_xy: np.ndarray, tracks: list[Track], users: list[int],
            targets: list[int], margins: np.ndarray, base: float, channels, n: int, warm: tuple[str, ...]):
    """The frame's design from the prediction, with calibrated margins; (solution, margins, solves, recompiles)."""
    opts = scenario.tracking
    count = {"solves": 0, "recompiled": 0, "fallback": False}

    def solve(m: np.ndarray) -> Solution:
        targets_db = None if not np.isfinite(base) else [base + float(x) for x in m]
        net = scenario.network(prior_xy[users], prior_xy[targets], channels=channels, sinr_db=targets_db,
                               name=f"prediction {n}")
        sol, used, fell = _with_fallback(problem, net, warm, opts.fallback and not np.any(m > 0))
        count["solves"] += used
        count["fallback"] = fell
        count["recompiled"] += int(sol.timing.recompiled)
        return sol

    if opts.margin == "none" or not users:
        zero = np.zeros(len(users))
        sol = solve(zero)
        return sol, zero, count["solves"], count["recompiled"], count["fallback"]
    rng = rng_for(opts.seed, _STREAM_MARGIN, n)
    draws = [draw_channels(scenario.base_stations, scenario.system, scenario.channels, prior_xy[u],
                           tracks[u].position_cov, opts.margin_samples, rng) for u in users]
    type1 = [(getattr(problem, "receiver", None) or "type1") == "type1"] * len(users)
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
        short = shortfall_db(draws, sol.design, wanted, opts.outage, scenario.system.noise_w, type1, _joint(problem))
        if np.all(short <= MARGIN_TOL_DB) and np.all((short >= -MARGIN_SLACK_DB) | (m <= 0)):
            break
        m = np.maximum(0.0, m + short)
    if best is None:
        return sol, np.zeros(len(users)), count["solves"], count["recompiled"], False
    return best, best_m, count["solves"], count["recompiled"], count["fallback"]


def _measure(scenario: TrackingScenario, echoes: Network, design, prior_xy: np.ndarray, tracks: list[Track],
             truth: np.ndarray, bs_xy: np.ndarray, rng: np.random.Generator, sol: Solution | None = None):
    """(posterior tracks, measurements per node, root CRLB per node) of one frame's echoes."""
    n_nodes = len(tracks)
    if design is None:  # nothing transmitted: no echoes, the prior stands
        return list(tracks), np.zeros(n_nodes, dtype=int), np.full(n_nodes, np.inf)
    opts = scenario.tracking
    k = min(opts.cooperating_bs, len(bs_xy))
    clusters = [tuple(int(b) for b in np.argsort(np.linalg.norm(bs_xy - prior_xy[i], axis=1))[:k])
                for i in range(n_nodes)]
    if opts.listeners == "design" and sol is not None:
        index = {b.id: j for j, b in enumerate(scenario.base_stations)}
        chosen = {u.id: u.serving_bs for u in sol.users} | {t.id: t.sensing_bs for t in sol.targets}
        clusters = [tuple(index[b] for b in chosen.get(m.id, ())) or clusters[i] for i, m in enumerate(scenario.movers)]
    items = position_measurements(echoes, derive_channels(echoes), design, clusters, "multistatic",
                                  waveform=opts.sensing_waveform, interference=opts.crlb_interference,
                                  angle_information=opts.angle_information)
    posterior, counts, crlb = [], np.zeros(n_nodes, dtype=int), np.full(n_nodes, np.inf)
    for i in range(n_nodes):
        use = usable(items[i])
        counts[i] = len(use)
        if not use:
            posterior.append(tracks[i])
            continue
        _, jac, _ = stack(bs_xy, use, truth[i])
        info = np.array([m.information for m in use])
        crlb[i] = np.sqrt(crlb_from_fim((jac[:, :2].T * info) @ jac[:, :2]))
        z, variance = draw(bs_xy, use, truth[i], opts.measurement_scale, rng)
        h, jac_prior, angular = stack(bs_xy, use, tracks[i].x)
        posterior.append(update(tracks[i], z, h, jac_prior, variance, angular))
    return posterior, counts, crlb


def frames_csv(run: TrackRun) -> str:
    """One row per (frame, node): truth, tracked state, 1-sigma position errors, root CRLB, and per user the
    achieved SINR of every scheme."""
    schemes = list(run.frames[0].sinr_db) if run.frames else []
    head = ["frame", "t_s", "node", "kind", "x_m", "y_m", "est_x_m", "est_y_m", "std_x_m", "std_y_m",
            "root_crlb_m", "measurements", "margin_db"] + [f"sinr_{s}_db" for s in schemes] + ["status", "recompiled"]
    lines = [",".join(head)]
    for n, f in enumerate(run.frames):
        k = 0
        for i, m in enumerate(run.scenario.movers):
            p = f.posterior[i]
            row = [n, f"{f.t_s:g}", m.id, m.kind, *(f"{v:.4f}" for v in (*f.truth[i, :2], *p.position)),
                   *(f"{np.sqrt(v):.4f}" for v in np.diag(p.position_cov)), f"{f.root_crlb_m[i]:.5g}",
                   int(f.measurements[i])]
            if m.kind == "user":
                row += [f"{f.margin_db[k]:.3f}", *(f"{f.sinr_db[s][k]:.3f}" for s in schemes)]
                k += 1
            else:
                row += [""] * (1 + len(schemes))
            lines.append(",".join(str(v) for v in row + [f.status, f.recompiled]))
    return "\n".join(lines) + "\n"

"""The network's tracks of its movers: predicted each frame, updated by the echoes of the frame's design.

:class:`Tracker` is the filtering half of the loop on its own, for a planner that runs its own
frames (``examples/planner_stream.py``): ``predicted_network()`` is what a design may use,
``observe(design, truth)`` measures and updates, ``advance()`` predicts the next frame.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..channels.derive import derive_channels
from ..design import TransmitDesign
from ..metrics.position_crlb import crlb_from_fim, position_measurements
from ..network.channel_spec import ChannelSpec, LosChannels
from ..network.layouts import rng_for
from ..network.model import Network
from ..network.nodes import Target
from ..results import Solution
from .kalman import Track, cv_model, predict, update
from .measure import draw, stack, usable
from .scenario import TrackingScenario

STREAM_INIT, STREAM_MEAS = 41, 42


class Tracker:
    """Kalman tracks of a scenario's movers (scenario order); ``truth0`` (N, 4) seeds the first prior
    (the truth plus an error drawn from the initial covariance, so that the prior is consistent)."""

    def __init__(self, scenario: TrackingScenario, truth0: NDArray[np.float64]):
        opts = scenario.tracking
        self.scenario = scenario
        self.f, self.q = cv_model(opts.frame_s, opts.filter_accel_std_mps2)
        p0 = np.diag([opts.initial_position_std_m**2] * 2 + [opts.initial_velocity_std_mps**2] * 2)
        init = rng_for(opts.seed, STREAM_INIT)
        self.tracks = [Track(np.asarray(x, float) + np.linalg.cholesky(p0) @ init.standard_normal(4), p0) for x in truth0]
        self.rng = rng_for(opts.seed, STREAM_MEAS)
        self.bs_xy = np.array([b.position_m for b in scenario.base_stations], dtype=float)
        self.users = [i for i, m in enumerate(scenario.movers) if m.kind == "user"]
        self.targets = [i for i, m in enumerate(scenario.movers) if m.kind == "target"]

    @classmethod
    def from_tracks(cls, scenario: TrackingScenario, tracks: list[Track]) -> "Tracker":
        """A tracker holding the given tracks (instead of a seeded first prior)."""
        tracker = cls(scenario, np.array([t.x for t in tracks]))
        tracker.tracks = list(tracks)
        return tracker

    def predicted_xy(self) -> NDArray[np.float64]:
        """(N, 2): the tracks' positions, kept clear of the BSs."""
        return keep_clear(np.array([t.position for t in self.tracks]), self.bs_xy, self.scenario.system.min_distance_m)

    def predicted_network(self, *, sinr_db: list[float | None] | None = None, name: str = "prediction") -> Network:
        """The snapshot a design may use: the nodes at their predicted positions, line-of-sight channels."""
        xy = self.predicted_xy()
        los = LosChannels(crosslink=getattr(self.scenario.channels, "crosslink", "los"))
        return self.scenario.network(xy[self.users], xy[self.targets], channels=los, sinr_db=sinr_db, name=name)

    def observe(self, design: TransmitDesign | None, truth: NDArray[np.float64], channels: ChannelSpec | None = None,
                solution: Solution | None = None) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Measure the echoes of ``design`` from the true states ``truth`` (N, 4) and update every track;
        returns (measurements fused per node, root CRLB per node [m]). ``solution`` gives the clusters
        when ``listeners: design``."""
        echoes = echo_network(self.scenario, np.asarray(truth)[:, :2], channels or self.scenario.channels)
        self.tracks, counts, crlb = measure_and_update(self.scenario, echoes, design, self.predicted_xy(), self.tracks,
                                             np.asarray(truth), self.bs_xy, self.rng, solution)
        return counts, crlb

    def advance(self) -> None:
        """Predict every track one frame ahead."""
        self.tracks = [predict(t, self.f, self.q) for t in self.tracks]


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



def echo_network(scenario: TrackingScenario, xy: np.ndarray, spec) -> Network:
    """Every mover as a radar target at its true position (a user is sensed by the echo of its own beam)."""
    targets = [Target(id=m.id, position_m=tuple(p), rcs_m2=m.rcs_m2) for m, p in zip(scenario.movers, xy)]
    return Network(name="echoes", system=scenario.system, channels=spec, base_stations=scenario.base_stations,
                   targets=targets)



def measure_and_update(scenario: TrackingScenario, echoes: Network, design, prior_xy: np.ndarray, tracks: list[Track],
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

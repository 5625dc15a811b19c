"""A tracking scenario: fixed BSs, moving users and targets, a frame period and the per-frame problem.

A scenario file (YAML) holds ``name``, ``system``, ``channels`` (the truth's fading; the designer sees
only geometry), ``base_stations``, ``movers`` (:class:`~isacopt.tracking.motion.Mover`), ``problem``
(any problem kind: the design solved every frame) and ``tracking`` (:class:`TrackingOptions`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from .._model import FrozenModel
from ..network.channel_spec import ChannelSpec, LosChannels
from ..network.model import Network
from ..network.nodes import BaseStation, Target, User, Window
from ..network.system import SystemParams
from ..problems import ProblemSpec
from ..yaml_files import read_yaml
from ..errors import ValidationError
from .motion import Mover


class TrackingOptions(FrozenModel):
    """How the network tracks, predicts and compares (SPEC-free options; every one stated in the output)."""

    frame_s: float = Field(0.1, gt=0, le=60, description="frame period T [s]")
    frames: int = Field(50, ge=1, le=100_000, description="frames to run")
    seed: int = Field(0, ge=0, description="seed of the trajectories, the measurement noise and the fading")
    cooperating_bs: int = Field(2, ge=1, le=100, description="each node is measured by its this many nearest BSs "
                                "(nearest to its predicted position): their range sums and azimuths")
    listeners: Literal["nearest", "design"] = Field(
        "nearest", description="who measures a node: its 'cooperating_bs' nearest BSs, or the clusters of the "
        "frame's design ('design': a target's sensing cluster, a user's serving cluster; with cluster selection "
        "these are what the backhaul admitted)")
    recluster: Literal["every_frame", "on_trigger"] = Field(
        "every_frame", description="cluster selection: search every frame, or keep the links until a node's "
        "candidate BSs change, the kept links fail, or recluster_frames frames have passed")
    recluster_frames: int = Field(10, ge=1, le=100_000, description="on_trigger: search at least this often [frames]")
    warm_start: bool = Field(True, description="cluster selection: start each frame's search from the previous "
                             "frame's links")
    sensing_waveform: Literal["orthogonal", "unified"] = Field(
        "orthogonal", description="SPEC.md 11: 'orthogonal' lets only the dedicated sensing signal take part in "
        "cross-BS pairs; the data beams' echoes count at the BS that sent them")
    angle_information: bool = Field(True, description="the receiving BSs measure the azimuth too (a single BS "
                                    "then localises on its own)")
    crlb_interference: bool = Field(False, description="measurement variances with the interference-plus-noise "
                                    "at the receiving BS (SPEC.md 11), not the noise alone")
    filter_accel_std_mps2: float = Field(1.0, gt=0, le=100, description="the filter's white acceleration [m/s^2]")
    initial_position_std_m: float = Field(5.0, gt=0, le=1e4, description="first-frame prior: position error std [m]")
    initial_velocity_std_mps: float = Field(2.0, gt=0, le=1e3, description="first-frame prior: velocity std [m/s]")
    measurement_scale: float = Field(1.0, gt=0, le=1e6, description="multiplies every measurement's standard "
                                     "deviation (1: at the CRLB, an efficient estimator)")
    margin: Literal["none", "calibrated"] = Field(
        "calibrated", description="'calibrated': each user's SINR target is raised until, over draws of its "
        "predicted position (and of the fading the channel model implies), its SINR stays above the target "
        "with probability 1 - outage")
    outage: float = Field(0.05, gt=0, lt=0.5, description="the outage probability the margin is designed for")
    margin_samples: int = Field(400, ge=20, le=100_000, description="draws of the predicted channels per user")
    margin_iterations: int = Field(6, ge=1, le=20, description="re-solves at most while calibrating the margins")
    fallback: bool = Field(True, description="a frame whose SINR targets cannot be met (from the prediction, or "
                           "with perfect CSI) transmits the max-min SINR design instead, and says so in its status")
    compare: bool = Field(True, description="also solve each frame with perfect CSI (the bound), and report the "
                          "beam-training baseline")
    training_fraction: float = Field(0.1, ge=0, lt=1, description="beam-training baseline: share of each frame "
                                     "spent on pilots (it then knows the channel exactly)")


class TrackingScenario(FrozenModel):
    """The schema of a scenario file (see the module docstring)."""

    name: str = Field("scenario", max_length=200)
    description: str = Field("", max_length=10_000)
    system: SystemParams = SystemParams()
    channels: ChannelSpec = LosChannels()
    base_stations: tuple[BaseStation, ...] = Field(min_length=1, max_length=10_000)
    movers: tuple[Mover, ...] = Field(min_length=1, max_length=10_000)
    window: Window | None = None
    problem: ProblemSpec
    tracking: TrackingOptions = TrackingOptions()

    @model_validator(mode="after")
    def _consistent(self) -> "TrackingScenario":
        problems = []
        ids = [m.id for m in self.movers]
        problems += [f"movers: duplicate id {i!r}; ids must be unique" for i in sorted({i for i in ids if ids.count(i) > 1})]
        if self.channels.model == "explicit":
            problems.append("channels: 'explicit' channels cannot move with the nodes; use los, rician or rayleigh")
        if self.tracking.margin == "calibrated" and self.users and not np.isfinite(self.sinr_target_db):
            problems.append("tracking.margin: 'calibrated' raises SINR targets, and the problem has none; set "
                            "problem.sinr_db (or rate_bps_hz), or tracking.margin: none")
        if problems:
            raise ValueError("\n  ".join(problems))
        return self

    def problem_option(self, name: str):
        """An option of the problem, else of its base problem (cluster selection, cell association); None."""
        for p in (self.problem, getattr(self.problem, "base", None)):
            if getattr(p, name, None) is not None:
                return getattr(p, name)
        return None

    @property
    def sinr_target_db(self) -> float:
        """The users' common SINR target [dB]: the problem's ``sinr_db``, or the SINR of its ``rate_bps_hz``;
        NaN without one."""
        if self.problem_option("sinr_db") is not None:
            return float(self.problem_option("sinr_db"))
        rate = self.problem_option("rate_bps_hz")
        return float("nan") if rate is None else float(10 * np.log10(2.0 ** rate - 1))

    @property
    def receiver(self) -> str:
        """The users' receiver type (the problem's override, else Type I)."""
        return self.problem_option("receiver") or "type1"

    @property
    def joint_transmission(self) -> str:
        """How a user's serving BSs combine (the problem's ``joint_transmission``, else coherent)."""
        return self.problem_option("joint_transmission") or "coherent"

    @property
    def users(self) -> tuple[Mover, ...]:
        return tuple(m for m in self.movers if m.kind == "user")

    @property
    def targets(self) -> tuple[Mover, ...]:
        return tuple(m for m in self.movers if m.kind == "target")

    def network(self, user_xy: np.ndarray, target_xy: np.ndarray, *, channels: ChannelSpec | None = None,
                sinr_db: list[float | None] | None = None, name: str | None = None) -> Network:
        """The snapshot with the users and targets at the given positions (validated: a node may not come
        closer to a BS than ``system.min_distance_m``); the users' receiver type is the problem's."""
        users = [User(id=m.id, position_m=tuple(p), sinr_db=None if sinr_db is None else sinr_db[k],
                      receiver=self.receiver)
                 for k, (m, p) in enumerate(zip(self.users, user_xy))]
        targets = [Target(id=m.id, position_m=tuple(p), rcs_m2=m.rcs_m2) for m, p in zip(self.targets, target_xy)]
        return Network(name=name or self.name, system=self.system, channels=channels or self.channels,
                       base_stations=self.base_stations, users=users, targets=targets, window=self.window)


def load_scenario(path: str | Path) -> TrackingScenario:
    """Read and validate a scenario file."""
    p = Path(path)
    try:
        return TrackingScenario.model_validate(read_yaml(p))
    except ValidationError as err:
        raise ValidationError(err.problems, source=str(p)) from None

"""The sensing-communication trade-off frontier by the epsilon-constraint method (SPEC.md 9).

Corners: the communication-optimal design (max_min_rate, no CRLB limit) gives the largest
common rate R_max; the sensing-optimal design (the CRLB objective with no rate target) gives
the smallest CRLBs. In between, each point minimises the CRLB objective subject to every user
reaching a common rate r in (0, R_max). Points are reported with the *evaluated* mean user
rate and mean root CRLB of their certified design; an infeasible or uncertified epsilon is
kept with its status and reason and never plotted as a number.

Time sharing (SPEC.md 9) between the two corners, a fraction tau of the time in the
communication-optimal design: mean rate tau R_c + (1 - tau) R_s, and each target's CRLB
scaled by 1 / (1 - tau) (root CRLB by 1 / sqrt(1 - tau)).

The non-cooperative baseline repeats the frontier with L = Q = 1 and fusion pairs. Position
CRLBs are TOA-only (SPEC.md 5.4): one BS cannot localise a target in 2-D, so that baseline is
reported unavailable with the reason rather than as a number.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from ..metrics.time_sharing import time_sharing_root_crlb
from ..network.model import Network
from ..objectives import MaxMinRate, MinMaxCrlb, MinSumCrlb
from ..results import Solution
from .builder import CooperativeISAC

SENSING_OBJECTIVES = (MinSumCrlb, MinMaxCrlb)  # the frontier's sensing corner: a CRLB alone, no weights


@dataclass(frozen=True)
class FrontierPoint:
    series: str                 # "cooperative", "non_cooperative", "corner:communication", "corner:sensing"
    rate_target_bps_hz: float | None
    status: str
    mean_rate_bps_hz: float | None
    mean_root_crlb_m: float | None
    certified: bool
    reason: str = ""

    @property
    def usable(self) -> bool:
        """True if the point is certified with a finite mean rate and mean root CRLB."""
        return self.certified and self.mean_rate_bps_hz is not None and self.mean_root_crlb_m is not None \
            and math.isfinite(self.mean_root_crlb_m)


@dataclass
class Frontier:
    points: list[FrontierPoint]
    comm_corner: FrontierPoint
    sensing_corner: FrontierPoint
    baseline: list[FrontierPoint] = field(default_factory=list)
    baseline_note: str = ""

    def curve(self, series: str = "cooperative") -> tuple[np.ndarray, np.ndarray]:
        """(mean root CRLB [m], mean rate [bit/s/Hz]) of the certified points, corners included."""
        pts = [self.sensing_corner] + [p for p in self.points if p.series == series] + [self.comm_corner] \
            if series == "cooperative" else [p for p in self.baseline]
        pts = [p for p in pts if p.usable]
        return np.array([p.mean_root_crlb_m for p in pts]), np.array([p.mean_rate_bps_hz for p in pts])

    def time_sharing(self, n: int = 50) -> tuple[np.ndarray, np.ndarray]:
        """(mean root CRLB, mean rate) of time sharing between the corners, tau in [0, 1)."""
        tau = np.linspace(0.0, 0.98, n)
        rc, rs = self.comm_corner.mean_rate_bps_hz or 0.0, self.sensing_corner.mean_rate_bps_hz or 0.0
        return self.sensing_corner.mean_root_crlb_m / np.sqrt(1 - tau), tau * rc + (1 - tau) * rs

    def time_sharing_crlb_at(self, rate: float) -> float:
        """Mean root CRLB of time sharing at mean rate ``rate`` (inf at or beyond the comm corner)."""
        return time_sharing_root_crlb(rate, self.comm_corner.mean_rate_bps_hz, self.sensing_corner.mean_rate_bps_hz,
                                      self.sensing_corner.mean_root_crlb_m)

    def dominates_time_sharing(self) -> bool:
        """True if every usable frontier point has a root CRLB no worse than time sharing between
        the two corners at the same mean rate (the relative tolerance is 1e-9).
        """
        return all(p.mean_root_crlb_m <= self.time_sharing_crlb_at(p.mean_rate_bps_hz) * (1 + 1e-9)
                   for p in self.points if p.usable)

    def all_points(self) -> list[FrontierPoint]:
        """Sensing corner, the weighted points, communication corner and baseline points, in that order."""
        return [self.sensing_corner, *self.points, self.comm_corner, *self.baseline]

    def to_csv(self, path: str | Path) -> Path:
        """Write every point (series, weight, mean rate [bit/s/Hz], mean root CRLB [m], status) as CSV."""
        path = Path(path)
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["series", "rate_target_bps_hz", "status", "certified", "mean_rate_bps_hz", "mean_root_crlb_m",
                        "time_sharing_root_crlb_m", "reason"])
            for p in self.all_points():
                ts = self.time_sharing_crlb_at(p.mean_rate_bps_hz) if p.usable else None
                w.writerow([p.series, _fmt(p.rate_target_bps_hz), p.status, p.certified, _fmt(p.mean_rate_bps_hz),
                            _fmt(p.mean_root_crlb_m), _fmt(ts), p.reason])
            if self.baseline_note:
                w.writerow(["non_cooperative", "", "unavailable", False, "", "", "", self.baseline_note])
        return path


def _fmt(x: float | None) -> str:
    return "" if x is None else repr(float(x))


def _point(series: str, target: float | None, sol: Solution) -> FrontierPoint:
    certified = sol.ok and sol.certificate is not None and sol.certificate.holds
    rate = float(np.mean([u.rate_bps_hz for u in sol.users])) if certified and sol.users else None
    crlb = float(np.mean([t.root_crlb_m for t in sol.targets])) if certified and sol.targets else None
    return FrontierPoint(series, target, sol.status, rate, crlb, certified, sol.reason if not certified else "")


def trace_frontier(problem: CooperativeISAC, network: Network, points: int = 8, *, baseline: bool = True,
                   time_limit_s: float | None = None, rates: list[float] | None = None) -> Frontier:
    """Trace the rate / root-CRLB frontier of ``problem``'s clusters on ``network`` (see module doc).

    ``points`` interior epsilon values evenly between the corners, or the common rate targets
    ``rates`` [bit/s/Hz] given explicitly; the CRLB objective is the problem's own when it is
    min_sum_crlb or min_max_crlb, else min_sum_crlb.
    """
    if points < 1 or points > 200:
        raise ValidationError([("points", f"{points} must be between 1 and 200")])
    if network.n_users == 0 or network.n_targets == 0:
        raise ValidationError([("network", "a frontier needs at least one user and one target")])
    sense = problem.objective if problem.objective_class in SENSING_OBJECTIVES else MinSumCrlb.name
    base = problem.model_copy(update={"sinr_db": None, "rate_bps_hz": None, "root_crlb_m": None})
    users_free = network.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in network.users],
                                      targets=[t.model_copy(update={"root_crlb_m": None}) for t in network.targets])
    comm = _solve(base, MaxMinRate.name, users_free, None, time_limit_s)
    sens = _solve(base, sense, users_free, None, time_limit_s)
    comm_pt, sens_pt = _point("corner:communication", None, comm), _point("corner:sensing", None, sens)
    interior: list[FrontierPoint] = []
    grid = rates if rates is not None else (np.linspace(0, comm.objective, points + 2)[1:-1]
                                            if comm_pt.usable and comm.objective else [])
    for r in grid:
        interior.append(_point("cooperative", float(r), _solve(base, sense, users_free, float(r), time_limit_s)))
    frontier = Frontier(interior, comm_pt, sens_pt)
    if baseline:
        _baseline(frontier, base, sense, users_free, points, time_limit_s)
    return frontier


def _solve(base: CooperativeISAC, objective: str, network: Network, rate: float | None, time_limit_s) -> Solution:
    opts = CooperativeISAC.model_validate({**base.model_dump(), "objective": objective, "rate_bps_hz": rate})
    return opts.solve(network, time_limit_s=time_limit_s)


def _baseline(frontier: Frontier, base: CooperativeISAC, sense: str, network: Network, points: int,
              time_limit_s) -> None:
    alone = base.model_copy(update={"comm_cluster": 1, "sensing_cluster": 1, "pairs": "fusion"})
    try:
        comm = _solve(alone, MaxMinRate.name, network, None, time_limit_s)
        pts = [_point("non_cooperative", None, _solve(alone, sense, network, None, time_limit_s))]
        if comm.ok and comm.objective:
            pts += [_point("non_cooperative", float(r), _solve(alone, sense, network, float(r), time_limit_s))
                    for r in np.linspace(0, comm.objective, points + 2)[1:-1]]
        pts.append(_point("non_cooperative", None, comm))
        frontier.baseline = pts
    except ValidationError as err:
        frontier.baseline_note = "non-cooperative baseline (L = Q = 1) unavailable: " + err.problems[0][1]

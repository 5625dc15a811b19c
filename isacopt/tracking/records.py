"""What a tracking run produced: every frame's record and their summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .kalman import Track, nees
from .scenario import TrackingScenario

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
    convex_solves: int = 0                # cluster selection: convex problems its search solved


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
        target = self.scenario.sinr_target_db
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
            finite = [v for v in values if np.isfinite(v)]
            out[f"objective_{s}"] = float(np.mean(finite)) if finite else float("nan")
        err = self.position_errors()
        out["position_rmse_m"] = float(np.sqrt(np.mean(err**2)))
        crlb = np.array([f.root_crlb_m for f in self.frames])
        out["median_root_crlb_m"] = float(np.median(crlb))
        out["mean_nees"] = float(np.mean(self.nees()))
        out["mean_margin_db"] = float(np.mean([f.margin_db.mean() for f in self.frames if f.margin_db.size])) \
            if any(f.margin_db.size for f in self.frames) else 0.0
        out["solves"] = sum(f.solves for f in self.frames)
        out["recompiles"] = sum(f.recompiled for f in self.frames)
        out["search_convex_solves"] = sum(f.convex_solves for f in self.frames)
        out["infeasible_frames"] = sum(f.status == "infeasible" for f in self.frames)
        out["fallback_frames"] = sum(f.status == "fallback" for f in self.frames)
        out["seconds_per_frame"] = self.wall_s / max(len(self.frames), 1)
        out["mean_backhaul_bps"] = float(np.mean([f.backhaul_bps for f in self.frames]))
        return out


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

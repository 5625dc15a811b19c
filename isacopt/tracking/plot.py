"""Figures of a tracking run: the map with true paths, tracked estimates and error ellipses; rate,
root CRLB and tracking error over time. Every option that shapes the numbers is printed on the figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Ellipse  # noqa: E402

from ..plots import save_figure  # noqa: E402
from .records import TrackRun  # noqa: E402

CHI2_2_95 = 5.991  # 95 % of a 2-D Gaussian lies inside the ellipse e^T P^-1 e <= 5.991
SCHEME_STYLE = {"predictive": ("tab:green", "-"), "perfect": ("k", "--"), "training": ("tab:orange", ":")}


def options_line(run: TrackRun) -> str:
    o = run.scenario.tracking
    ch = run.scenario.channels
    fading = f"rician K = {ch.k_factor:g}" if ch.model == "rician" else ch.model
    return (f"T = {o.frame_s:g} s, {len(run.frames)} frames, seed {o.seed}; truth: {fading}; margin {o.margin} "
            f"(outage {o.outage:g}); {o.cooperating_bs} BSs measure each node, sensing_waveform {o.sensing_waveform}, "
            f"angle_information {o.angle_information}; training {o.training_fraction:g} of a frame")


def _ellipse(mean, cov, magnify: float, colour: str) -> Ellipse:
    vals, vecs = np.linalg.eigh(cov)
    angle = np.degrees(np.arctan2(vecs[1, -1], vecs[0, -1]))
    w, h = 2 * magnify * np.sqrt(CHI2_2_95 * np.maximum(vals[::-1], 0))
    return Ellipse(mean, w, h, angle=angle, fill=False, lw=0.8, color=colour)


def track_map(run: TrackRun, ax: plt.Axes, every: int | None = None) -> None:
    """True paths (lines), tracked positions (dots) and magnified 95 % ellipses every ``every`` frames."""
    truth = np.array([f.truth for f in run.frames])                      # (F, N, 4)
    est = np.array([[p.position for p in f.posterior] for f in run.frames])
    bs = np.array([b.position_m for b in run.scenario.base_stations])
    ax.scatter(bs[:, 0], bs[:, 1], marker="^", s=70, c="tab:blue", label="base station", zorder=3)
    extent = float(np.ptp(np.vstack([truth[..., :2].reshape(-1, 2), bs]), axis=0).max()) or 1.0
    sizes = [np.sqrt(np.linalg.eigvalsh(p.position_cov)[-1]) for f in run.frames for p in f.posterior]
    magnify = max(1.0, float(10 ** np.floor(np.log10(0.02 * extent / max(np.median(sizes), 1e-9)))))
    every = every or max(1, len(run.frames) // 10)
    for i, m in enumerate(run.scenario.movers):
        colour = "tab:green" if m.kind == "user" else "tab:red"
        ax.plot(truth[:, i, 0], truth[:, i, 1], "-", color=colour, lw=1, alpha=0.6)
        ax.plot(est[:, i, 0], est[:, i, 1], ".", color=colour, ms=3)
        for f in run.frames[::every]:
            ax.add_patch(_ellipse(f.posterior[i].position, f.posterior[i].position_cov, magnify, colour))
        ax.annotate(m.id, truth[0, i, :2], fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.plot([], [], "-", color="tab:green", label="user (true path)")
    ax.plot([], [], "-", color="tab:red", label="target (true path)")
    ax.plot([], [], ".", color="0.3", label="tracked")
    # the legend's ellipse as an open marker: a patch at NaN has no extent, which tight_layout cannot take
    ax.plot([], [], "o", mfc="none", color="0.3", label=f"95 % ellipse x{magnify:g}")
    ax.set_aspect("equal")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("y [m]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")


def save_tracking_figure(run: TrackRun, path: str | Path) -> Path:
    """The map, rate per scheme, root CRLB and tracking error over time, in one PNG."""
    t = np.array([f.t_s for f in run.frames])
    fig, axes = plt.subplots(1, 3, figsize=(16, 5.2))
    track_map(run, axes[0])
    axes[0].set_title("paths, tracked estimates")
    goodput = run.goodput()
    for s in run.schemes():
        colour, ls = SCHEME_STYLE.get(s, ("0.5", "-"))
        series = (goodput[s] if goodput else np.array([f.rate_bps_hz[s] for f in run.frames])).mean(axis=1)
        axes[1].plot(t, np.cumsum(series) / np.arange(1, len(series) + 1), ls, color=colour, label=s)
        if s == "predictive" and goodput:  # the frames where some user fell below its target
            lost = t[np.any(goodput[s] == 0, axis=1)]
            axes[1].plot(lost, np.full(lost.shape, 0.02), "|", color=colour, ms=12, label="predictive: a user in outage",
                         transform=axes[1].get_xaxis_transform())  # ticks along the bottom edge
    axes[1].set_xlabel("time [s]")
    axes[1].set_ylabel("running mean of the " + ("goodput" if goodput else "rate") + " per user [bit/s/Hz]")
    axes[1].set_title("delivered at the target rate, true channels" if goodput else "achieved with the true channels")
    axes[1].grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    crlb = np.array([f.root_crlb_m for f in run.frames])
    err = run.position_errors()
    for i, m in enumerate(run.scenario.movers):
        line, = axes[2].semilogy(t, crlb[:, i], "-", lw=1, label=f"{m.id} root CRLB")
        axes[2].semilogy(t, np.maximum(err[:, i], 1e-3), ".", color=line.get_color(), ms=3)
    axes[2].plot([], [], ".", color="0.3", label="tracking error (dots)")
    axes[2].set_xlabel("time [s]")
    axes[2].set_ylabel("[m]")
    axes[2].set_title("root CRLB of each frame's echoes; tracking error")
    axes[2].grid(alpha=0.3, which="both")
    axes[2].legend(fontsize=6, ncol=2)
    fig.suptitle(f"{run.scenario.name}: predictive beamforming from the network's own echoes", fontsize=11)
    fig.text(0.5, 0.005, options_line(run), ha="center", fontsize=7.5, color="0.25")
    fig.tight_layout(rect=(0, 0.03, 1, 0.96))
    return save_figure(fig, path)

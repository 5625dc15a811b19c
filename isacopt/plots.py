"""Matplotlib figures (Agg backend: files, no screen needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from .network.model import Network  # noqa: E402


def network_map(network: Network, ax: plt.Axes | None = None, *, labels: bool = True) -> plt.Axes:
    """Draw BSs (triangles), users (dots), targets (crosses) and the evaluation window."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    if network.window is not None:
        lo, hi = network.window.lower_m, network.window.upper_m
        ax.add_patch(Rectangle(lo, hi[0] - lo[0], hi[1] - lo[1], fill=False, ls="--", lw=0.8, color="0.5",
                               label="evaluation window"))
    groups = [(network.bs_positions, "^", "tab:blue", "base station", network.base_stations),
              (network.user_positions, "o", "tab:green", "user", network.users),
              (network.target_positions, "x", "tab:red", "target", network.targets)]
    for xy, marker, colour, label, nodes in groups:
        if len(xy):
            ax.scatter(xy[:, 0], xy[:, 1], marker=marker, c=colour, s=60 if marker == "^" else 25, label=label)
            if labels and len(nodes) <= 60:
                for n in nodes:
                    ax.annotate(n.id, n.position_m, fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_aspect("equal")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("y [m]")
    ax.set_title(network.name)
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def save_network_map(network: Network, path: str | Path) -> Path:
    """Draw :func:`network_map` and save it to ``path`` (PNG, 120 dpi); returns the path."""
    ax = network_map(network)
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=120)
    plt.close(ax.figure)
    return Path(path)


def solution_map(network: Network, solution, ax: plt.Axes | None = None) -> plt.Axes:
    """Network map with each BS's transmit beampattern as polar lobes, served links (solid) and
    interference nulls (dotted, grey)."""
    import numpy as np

    from .metrics.sensing import beampattern

    ax = network_map(network, ax)
    design = solution.design
    pos = {b.id: np.array(b.position_m) for b in network.base_stations}
    upos = {u.id: np.array(u.position_m) for u in network.users}
    span = np.ptp(np.vstack([network.bs_positions, network.user_positions, network.target_positions]), axis=0).max()
    radius = 0.3 * max(span, 1.0) / np.sqrt(network.n_bs)
    if design is not None:
        phi = np.linspace(-np.pi, np.pi, 721)
        peak = max(float(beampattern(network, design, b, phi).max()) for b in range(network.n_bs)) or 1.0
        for b, bs in enumerate(network.base_stations):
            g = beampattern(network, design, b, phi) / peak
            xy = pos[bs.id][:, None] + radius * g * np.vstack([np.cos(phi), np.sin(phi)])
            ax.fill(xy[0], xy[1], alpha=0.25, color="tab:blue", lw=0.8, label="beampattern" if b == 0 else None)
    for u in solution.users:
        for i, b in enumerate(u.serving_bs):
            ax.plot(*np.vstack([pos[b], upos[u.id]]).T, "-", color="tab:green", lw=1.2 if i == 0 else 0.7,
                    alpha=0.8)
    first = True
    for bs in solution.base_stations:
        for uid in bs.nulled_users:
            ax.plot(*np.vstack([pos[bs.id], upos[uid]]).T, ":", color="0.5", lw=0.8, label="null" if first else None)
            first = False
        for other in bs.protected_bs:
            ax.plot(*np.vstack([pos[bs.id], pos[other]]).T, ":", color="tab:purple", lw=0.8)
    ax.set_title(f"{network.name}: {solution.objective_name} ({solution.status})")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def save_solution_map(network: Network, solution, path: str | Path) -> Path:
    """Draw :func:`solution_map` and save it to ``path`` (PNG, 120 dpi); returns the path."""
    ax = solution_map(network, solution)
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=120)
    plt.close(ax.figure)
    return Path(path)


def frontier_plot(frontier, path: str | Path | None = None, *, title: str = "") -> plt.Figure:
    """Mean rate vs mean root CRLB: the cooperative frontier, time sharing and the baseline (seed Fig. 4)."""
    fig, ax = plt.subplots(figsize=(7, 5))
    x, y = frontier.curve("cooperative")
    ax.plot(x, y, "o-", color="tab:blue", label="cooperative ISAC (epsilon-constraint)")
    tx, ty = frontier.time_sharing()
    ax.plot(tx, ty, "--", color="0.4", label="time sharing")
    bx, by = frontier.curve("non_cooperative")
    if len(bx):
        ax.plot(bx, by, "s-", color="tab:orange", label="no cooperation (L = Q = 1)")
    missing = [p for p in frontier.points if not p.usable]
    notes = [f"{len(missing)} epsilon value(s) not plotted ({', '.join(sorted({p.status for p in missing}))})"] \
        if missing else []
    if frontier.baseline_note:
        notes.append("no-cooperation baseline: CRLB infinite (one BS, TOA only)")
    if notes:
        ax.text(0.98, 0.02, "\n".join(notes), transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="0.3")
    ax.set_xlabel("average root CRLB [m]")
    ax.set_ylabel("average rate [bit/s/Hz]")
    if len(x):
        ax.set_xlim(0, max(x.max(), frontier.sensing_corner.mean_root_crlb_m) * 1.6)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig

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
    ax = network_map(network)
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=120)
    plt.close(ax.figure)
    return Path(path)

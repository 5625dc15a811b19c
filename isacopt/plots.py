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
            ax.scatter(xy[:, 0], xy[:, 1], marker=marker, c=colour, s=60 if marker == "^" else 25, label=label,
                       zorder=3)
    ax.set_aspect("equal")
    ax.set_xlabel("x [m]")
    ax.set_ylabel("y [m]")
    ax.set_title(network.name)
    ax.grid(alpha=0.3)
    if labels:
        nodes = [n for *_, group in groups for n in group]
        if len(nodes) <= 120:
            place_labels(ax, [(n.id, n.position_m) for n in nodes])
    _legend_below(ax)
    return ax


def _legend_below(ax: plt.Axes) -> None:
    """The legend under the axes, where it hides no node."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3, fontsize=8,
                  frameon=False)


def place_labels(ax: plt.Axes, items: list[tuple[str, tuple[float, float]]], fontsize: float = 7) -> None:
    """Annotate each point with its label at the first of eight offsets where the label's box overlaps no
    label placed before and no marker (greedy, in display points: labels stay legible where nodes crowd)."""
    import numpy as np

    ax.autoscale_view()
    ax.apply_aspect()
    fig = ax.figure
    to_pt = 72.0 / fig.dpi
    pts = ax.transData.transform(np.array([xy for _, xy in items], dtype=float)) * to_pt if items else []
    markers = [(x - 4, y - 4, x + 4, y + 4) for x, y in pts]
    placed: list[tuple[float, float, float, float]] = []

    def free(box) -> bool:
        return not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed + markers)

    for (text, xy), (x, y) in zip(items, pts):
        w, h = 0.6 * fontsize * len(text), fontsize
        offsets = [(4, 3), (4, -3 - h), (-4 - w, 3), (-4 - w, -3 - h), (-w / 2, 6), (-w / 2, -6 - h),
                   (8, -h / 2), (-8 - w, -h / 2)]
        for dx, dy in offsets:
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            if free(box):
                break
        else:
            dx, dy = offsets[0]
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
        placed.append(box)
        ax.annotate(text, xy, fontsize=fontsize, xytext=(dx, dy), textcoords="offset points", va="bottom",
                    ha="left", zorder=4)


def save_figure(fig: plt.Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path`` (its folder made if missing) and close it; returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def save_network_map(network: Network, path: str | Path) -> Path:
    """Draw :func:`network_map` and save it to ``path`` (PNG, 120 dpi); returns the path."""
    ax = network_map(network)
    ax.figure.set_size_inches(7, 8)
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=120)
    plt.close(ax.figure)
    return Path(path)


def solution_map(network: Network, solution, ax: plt.Axes | None = None) -> plt.Axes:
    """Network map with each BS's transmit beampattern as polar lobes, served links (solid) and
    interference nulls (dotted, grey)."""
    import numpy as np

    from .metrics.sensing import beampattern

    ax = network_map(network, ax, labels=False)
    design = solution.design
    pos = {b.id: np.array(b.position_m) for b in network.base_stations}
    upos = {u.id: np.array(u.position_m) for u in network.users}
    span = np.ptp(np.vstack([network.bs_positions, network.user_positions, network.target_positions]), axis=0).max()
    radius = 0.3 * max(span, 1.0) / np.sqrt(network.n_bs)
    tpos = {t.id: np.array(t.position_m) for t in network.targets}
    peak = None
    if design is not None:
        phi = np.linspace(-np.pi, np.pi, 721)
        peak = max(float(beampattern(network, design, b, phi).max()) for b in range(network.n_bs)) or 1.0
        for b, bs in enumerate(network.base_stations):
            g = beampattern(network, design, b, phi) / peak
            xy = pos[bs.id][:, None] + radius * g * np.vstack([np.cos(phi), np.sin(phi)])
            ax.fill(xy[0], xy[1], alpha=0.25, color="tab:blue", lw=0.8,
                    label="beampattern (radius ~ gain)" if b == 0 else None)
    once: set[str] = set()

    def link(a, b, style, colour, lw, label) -> None:
        ax.plot(*np.vstack([a, b]).T, style, color=colour, lw=lw, alpha=0.8, label=None if label in once else label)
        once.add(label)

    for u in solution.users:
        for i, b in enumerate(u.serving_bs):
            link(pos[b], upos[u.id], "-", "tab:green", 1.2 if i == 0 else 0.7,
                 "serves user" if i == 0 else "joins in serving (CoMP)")
    multi = any(len(t.sensing_bs) > 1 for t in solution.targets)
    for t in solution.targets:  # who senses each target: the fusion head and, with cooperation, the others
        for i, b in enumerate(t.sensing_bs if multi else ()):
            link(pos[b], tpos[t.id], "--", "tab:red", 0.9 if i == 0 else 0.6, "senses target")
    for bs in solution.base_stations:
        for uid in bs.nulled_users:
            link(pos[bs.id], upos[uid], ":", "0.5", 0.8, "null toward a user")
        for other in bs.protected_bs:
            link(pos[bs.id], pos[other], ":", "tab:purple", 0.8, "null toward a BS's radar receiver")
    if peak is not None:  # a scale for the lobes: this length is the largest gain of any BS
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        sx, sy = x0 + 0.05 * (x1 - x0), y0 + 0.06 * (y1 - y0)
        ax.plot([sx, sx + radius], [sy, sy], "-", color="tab:blue", lw=2.5, alpha=0.6)
        ax.annotate(f"lobe radius = gain {peak:.3g} W", (sx, sy), xytext=(0, 4), textcoords="offset points",
                    fontsize=7, color="tab:blue")
    nodes = [*network.base_stations, *network.users, *network.targets]
    if len(nodes) <= 120:
        place_labels(ax, [(n.id, n.position_m) for n in nodes])
    ax.set_title(f"{network.name}: {solution.objective_name} ({solution.status})")
    _legend_below(ax)
    return ax


def save_solution_map(network: Network, solution, path: str | Path) -> Path:
    """Draw :func:`solution_map` and save it to ``path`` (PNG, 120 dpi); returns the path."""
    ax = solution_map(network, solution)
    ax.figure.set_size_inches(7, 8)
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=120)
    plt.close(ax.figure)
    return Path(path)


def frontier_plot(frontier, path: str | Path | None = None, *, title: str = "", label: str = "cooperative ISAC",
                  others: dict | None = None, model: str = "") -> plt.Figure:
    """Mean rate vs mean root CRLB: the cooperative frontier, time sharing and the baseline (seed Fig. 4).

    ``others``: label -> Frontier drawn on the same axes (e.g. the other sensing waveform), each with its
    own time-sharing line; ``model``: the CRLB options, printed on the figure."""
    fig, ax = plt.subplots(figsize=(7, 5))
    fronts = {label: frontier, **(others or {})}
    colours = ["tab:blue", "tab:green", "tab:purple", "tab:red"]
    xmax = 0.0
    for (name, front), colour in zip(fronts.items(), colours):
        x, y = front.curve("cooperative")
        ax.plot(x, y, "o-", color=colour, label=f"{name} (epsilon-constraint)")
        tx, ty = front.time_sharing()
        ax.plot(tx, ty, "--", color=colour, alpha=0.6, label=f"time sharing ({name})")
        if len(x):
            xmax = max(xmax, x.max(), front.sensing_corner.mean_root_crlb_m)
    notes = []
    bx, by = frontier.curve("non_cooperative")
    if len(bx) and bx.min() <= 1.6 * xmax:
        ax.plot(bx, by, "s-", color="tab:orange", label="no cooperation (L = Q = 1)")
    elif len(bx):
        notes.append(f"no cooperation (L = Q = 1): root CRLB {bx.min():.0f}-{bx.max():.0f} m, off the chart")
    missing = [p for p in frontier.points if not p.usable]
    if missing:
        notes.append(f"{len(missing)} epsilon value(s) not plotted ({', '.join(sorted({p.status for p in missing}))})")
    if frontier.baseline_note:
        notes.append("no-cooperation baseline: CRLB infinite (one BS, TOA only)")
    if model:
        notes.append(model)
    if notes:
        ax.text(0.98, 0.02, "\n".join(notes), transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="0.3")
    ax.set_xlabel("average root CRLB [m]")
    ax.set_ylabel("average rate [bit/s/Hz]")
    if xmax:
        ax.set_xlim(0, xmax * 1.6)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig

"""Figures of a sweep report: trade-off regions with time sharing, and metrics against a swept parameter."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..plots import plt
from .metrics import METRICS
from .report import LOWER_IS_BETTER, corners, format_value, pareto, time_sharing
from .spec import PlotSpec, SweepFile

MARKERS = ("o", "s", "^", "D", "v")
DASHES = ("-", "-.", (0, (5, 1)), ":")  # series that coincide stay distinguishable


def _label(name: str) -> str:
    unit = METRICS[name][0] if name in METRICS else ""
    return name.replace("_", " ") + (f" [{unit}]" if unit else "")


def _series_values(table, plot: PlotSpec) -> list:
    if plot.series is None:
        return [None]
    return list(dict.fromkeys(table[plot.series].tolist()))


def tradeoff(ax, table, plot: PlotSpec) -> None:
    """Per series value: every complete point (faint), their Pareto envelope (line) and time sharing (dashed)."""
    complete = table[table["complete"]]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, value in enumerate(_series_values(complete, plot)):
        part = complete if value is None else complete[complete[plot.series] == value]
        part = part[np.isfinite(part[plot.x]) & np.isfinite(part[plot.y])]
        if part.empty:
            continue
        colour = colours[i % len(colours)]
        marker, dash = MARKERS[i % len(MARKERS)], DASHES[i % len(DASHES)]
        name = "" if value is None else f"{plot.series.split('.')[-1]} = {format_value(value)}"
        x, y = part[plot.x].to_numpy(), part[plot.y].to_numpy()
        ax.scatter(x, y, s=12, color=colour, alpha=0.35)
        front = pareto(x, y, plot.x in LOWER_IS_BETTER, plot.y in LOWER_IS_BETTER)
        ax.plot(x[front], y[front], marker=marker, ls=dash, color=colour, ms=5, mfc="none" if i % 2 else colour,
                label=f"optimised {name}".strip())
        if plot.time_sharing and len(part) >= 2:
            comm, sens = corners(part.to_dict("records"), plot.x, plot.y)
            tx, ty = time_sharing(plot.x, plot.y, comm, sens)
            ax.plot(tx, ty, "--", color=colour, lw=1, label=f"time sharing {name}".strip())
    if plot.x in ("mean_root_crlb", "mean_crlb"):
        ax.set_xscale("log")


def versus(ax, table, plot: PlotSpec, grid_keys: list[str]) -> None:
    """y (with its 95 % interval) against the swept x: one line per design and per value of the other keys;
    only points whose every snapshot is certified (an average over a subset would not compare)."""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    others = [k for k in grid_keys if k != plot.x and k in table.columns]
    line = 0
    for design in dict.fromkeys(table["design"].tolist()):
        mine = table[(table["design"] == design) & table["complete"]]
        if plot.x not in mine.columns or mine[plot.x].isna().all():
            continue  # this design does not vary with x
        keys = [k for k in others if mine[k].nunique(dropna=True) > 1]  # label only what varies
        groups = mine.groupby(keys, dropna=False, sort=False) if keys else [((), mine)]
        for values, part in groups:
            values = values if isinstance(values, tuple) else (values,)
            part = part.sort_values(plot.x)
            name = ", ".join([design, *(f"{k.split('.')[-1]} = {format_value(v)}" for k, v in zip(keys, values))])
            colour = colours[line % len(colours)]
            ax.errorbar(part[plot.x], part[plot.y], yerr=part[f"{plot.y}_ci95"].fillna(0.0), ms=5, capsize=3,
                        marker=MARKERS[line % len(MARKERS)], ls=DASHES[line % len(DASHES)], color=colour,
                        mfc="none" if line % 2 else colour, label=name)
            if plot.fit == "ln2":
                xs = part[plot.x].to_numpy(dtype=float)
                keep = xs >= 4 if np.sum(xs >= 4) >= 2 else xs >= 2  # small N: collinear, heavy-tailed
                basis = 1.0 / np.log(xs[keep]) ** 2
                c = float(basis @ part[plot.y].to_numpy()[keep] / (basis @ basis))
                grid = np.linspace(xs[keep].min(), xs.max(), 100)
                ax.plot(grid, c / np.log(grid) ** 2, ":", color=colour, label=f"fit {c:.3g} / ln^2(N)")
            line += 1
    if plot.y in ("mean_root_crlb", "mean_crlb"):
        ax.set_yscale("log")


def report_figure(spec: SweepFile, table, path: str | Path) -> Path:
    """One panel per plot of the sweep's ``report`` (a default panel when it has none)."""
    plots = list(spec.report) or [_default_plot(spec)]
    cols = min(2, len(plots))
    rows = math.ceil(len(plots) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.5 * cols, 4.8 * rows), squeeze=False)
    for ax, plot in zip(axes.flat, plots):
        shown = table if plot.designs is None else table[table["design"].isin(plot.designs)]
        for key, value in plot.where.items():
            shown = shown[shown[key] == value]
        if plot.kind == "tradeoff":
            tradeoff(ax, shown, plot)
        else:
            versus(ax, shown, plot, list(spec.grid))
        ax.set_xlabel(_label(plot.x) if plot.x in METRICS else plot.x)
        ax.set_ylabel(_label(plot.y))
        ax.set_title(plot.title or spec.name, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6.5, framealpha=0.8)
    for ax in list(axes.flat)[len(plots):]:
        ax.set_visible(False)
    shown = int(table["complete"].sum())
    fig.text(0.01, 0.005, f"{len(table)} design/point averages, {shown} with every snapshot certified "
             f"({spec.snapshots} snapshots each); 95 % intervals", fontsize=7, color="0.4")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def _default_plot(spec: SweepFile) -> PlotSpec:
    x = next(iter(spec.grid), None)
    if x is None:
        return PlotSpec(kind="tradeoff", x="comm_ase", y="sensing_ase")
    return PlotSpec(kind="versus", x=x, y="comm_ase")

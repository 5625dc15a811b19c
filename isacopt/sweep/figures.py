"""Figures of a sweep report: trade-off regions with time sharing, and metrics against a swept parameter."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..plots import plt, save_figure
from .metrics import METRICS
from .note_placement import NOTE_GID, place_notes
from .report import LOWER_IS_BETTER, corners, format_value, pareto, time_sharing
from .spec import PlotSpec, SweepFile

MARKERS = ("o", "s", "^", "D", "v")
DASHES = ("-", "-.", (0, (5, 1)), ":")  # series that coincide stay distinguishable


# axis labels in words: metrics, then grid keys (a key not listed is spelled out from its name and unit suffix)
WORDS = {"comm_ase": "communication ASE", "sensing_ase": "sensing ASE", "mean_rate": "mean rate per served user",
         "mean_radar_rate": "mean radar rate per probed target", "served_fraction": "fraction of users served",
         "probed_fraction": "fraction of targets probed", "problem.radar_cluster": "radar cluster size N",
         "mean_root_crlb": "mean root position CRLB", "mean_crlb": "mean position CRLB",
         "crlb_coverage": "CRLB coverage probability", "sinr_coverage": "SINR coverage probability",
         "energy_efficiency": "energy efficiency", "backhaul_load": "mean backhaul load per BS",
         "backhaul_utilisation": "largest backhaul utilisation", "total_power": "total transmit power",
         "layout.tx_antennas": "transmit antennas per BS, Nt", "layout.rx_antennas": "receive antennas per BS, Nr",
         "problem.sinr_db": "SINR target [dB]", "problem.comm_cluster": "communication cluster size L",
         "problem.sensing_cluster": "sensing cluster size Q", "problem.max_users_per_bs": "users served per BS, K",
         "problem.users_per_bs": "users served per BS, K", "problem.targets_per_bs": "targets probed per BS, M",
         "problem.comm_fraction": "power fraction for communication", "layout.bs_per_km2": "BS density [BSs/km^2]",
         "layout.backhaul_bps": "backhaul capacity per BS [bit/s]", "problem.rate_bps_hz": "rate target [bit/s/Hz]"}
SUFFIX_UNITS = {"_db": "dB", "_dbm": "dBm", "_m": "m", "_hz": "Hz", "_bps": "bit/s", "_w": "W", "_km2": "1/km^2",
                "_s": "s", "_deg": "deg", "_m2": "m^2", "_bps_hz": "bit/s/Hz"}


def _label(name: str) -> str:
    """An axis label in words with its unit: 'sensing ASE [bit/s/Hz/km^2]', 'SINR target [dB]'."""
    if name in METRICS:
        unit = METRICS[name][0]
        return WORDS.get(name, name.replace("_", " ")) + (f" [{unit}]" if unit else "")
    if name in WORDS:
        return WORDS[name]
    last = name.split(".")[-1]
    for suffix, unit in sorted(SUFFIX_UNITS.items(), key=lambda kv: -len(kv[0])):
        if last.endswith(suffix):
            return f"{last[: -len(suffix)].replace('_', ' ')} [{unit}]"
    return last.replace("_", " ")


def _series_values(table, plot: PlotSpec) -> list:
    if plot.series is None:
        return [None]
    values = list(dict.fromkeys(table[plot.series].tolist()))
    numeric = all(isinstance(v, (int, float)) and v == v for v in values)
    return sorted(values) if numeric else values  # a legend in order of antennas or capacity


def drawable(table, plot: PlotSpec):
    """The points a panel draws: those with at least ``plot.min_certified`` of their snapshots certified
    (every snapshot by default; tables written before the share was stored fall back to ``complete``)."""
    if plot.min_certified >= 1.0 or "certified_share" not in table:
        return table[table["complete"]]
    return table[(table["certified_share"] >= plot.min_certified) & (table["ok"] >= 2)]


def ring_conditional(ax, part, x: str, y: str) -> None:
    """Ring the points that average over fewer than all their snapshots (conditional means)."""
    if "complete" in part and not part["complete"].all():
        cond = part[~part["complete"].astype(bool)]
        ax.scatter(cond[x], cond[y], s=70, facecolors="none", edgecolors="0.35", linewidths=0.8, zorder=4)


def tradeoff(ax, table, plot: PlotSpec) -> None:
    """Per series value: every drawable point (faint), their Pareto envelope (line, with 95 % intervals) and
    time sharing (dashed); ``plot.baseline``: that design's own envelope (black), outside the series."""
    complete = drawable(table, plot)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    base = complete[complete["design"] == plot.baseline] if plot.baseline else complete.iloc[0:0]
    rest = complete[complete["design"] != plot.baseline] if plot.baseline else complete
    widest = 0.0
    drawn = sorted(set(rest["design"]))  # a lone design names its envelope; several make "envelope"
    what = drawn[0] if len(drawn) == 1 else "envelope"
    for i, value in enumerate(_series_values(rest, plot)):
        part = rest if value is None else rest[rest[plot.series] == value]
        name = "" if value is None else f"{_short(plot.series)} = {format_value(value)}"
        widest = max(widest, _envelope(ax, part, plot, colours[i % len(colours)], i, f"{what} {name}".strip(),
                                       time_sharing_label=f"time sharing {name}".strip()))
    if not base.empty:
        widest = max(widest, _envelope(ax, base, plot, "black", 0, plot.baseline, time_sharing_label=None))
    if plot.x in ("mean_root_crlb", "mean_crlb"):
        ax.set_xscale("log")
    if widest:
        note = (plot.note + "\n" if plot.note else "") + \
            f"widest 95 % interval on an envelope point: {100 * widest:.1f} % of its mean"
        ax.text(0.99, 0.01, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=6, color="0.3",
                gid=NOTE_GID)


def _envelope(ax, part, plot: PlotSpec, colour, i: int, label: str, time_sharing_label: str | None) -> float:
    """Draw one envelope (and its time-sharing line); returns its widest relative 95 % interval."""
    part = part[np.isfinite(part[plot.x]) & np.isfinite(part[plot.y])]
    if part.empty:
        return 0.0
    marker, dash = MARKERS[i % len(MARKERS)], DASHES[i % len(DASHES)]
    x, y = part[plot.x].to_numpy(), part[plot.y].to_numpy()
    ax.scatter(x, y, s=10, color=colour, alpha=0.25)
    front = pareto(x, y, plot.x in LOWER_IS_BETTER, plot.y in LOWER_IS_BETTER)
    hx = part[f"{plot.x}_ci95"].fillna(0.0).to_numpy()[front] if f"{plot.x}_ci95" in part else np.zeros(len(front))
    hy = part[f"{plot.y}_ci95"].fillna(0.0).to_numpy()[front] if f"{plot.y}_ci95" in part else np.zeros(len(front))
    ax.errorbar(x[front], y[front], xerr=hx, yerr=hy, marker=marker, ls=dash, color=colour, ms=4, capsize=2,
                mfc="none" if i % 2 else colour, label=label)
    ring_conditional(ax, part.iloc[front], plot.x, plot.y)
    if time_sharing_label is not None and plot.time_sharing and len(part) >= 2:
        comm, sens = corners(part.to_dict("records"), plot.x, plot.y)
        tx, ty = time_sharing(plot.x, plot.y, comm, sens)
        ax.plot(tx, ty, "--", color=colour, lw=1, label=time_sharing_label)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.concatenate([hx / np.abs(x[front]), hy / np.abs(y[front])])
    rel = rel[np.isfinite(rel)]
    return float(rel.max()) if len(rel) else 0.0


def versus(ax, table, plot: PlotSpec, grid_keys: list[str]) -> None:
    """y (with its 95 % interval) against the swept x: one line per design and per value of the other keys;
    only points whose every snapshot is certified (an average over a subset would not compare), or with
    ``plot.min_certified`` below 1 those with at least that share (ringed)."""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    others = [k for k in grid_keys if k != plot.x and k in table.columns]
    line = 0
    for design in dict.fromkeys(table["design"].tolist()):
        mine = drawable(table[table["design"] == design], plot)
        if plot.x not in mine.columns or mine[plot.x].isna().all():
            continue  # this design does not vary with x
        keys = [k for k in others if mine[k].nunique(dropna=True) > 1]  # label only what varies
        groups = mine.groupby(keys, dropna=False, sort=False) if keys else [((), mine)]
        for values, part in groups:
            values = values if isinstance(values, tuple) else (values,)
            part = part.sort_values(plot.x)
            name = ", ".join([design, *(f"{_short(k)} = {format_value(v)}" for k, v in zip(keys, values))])
            colour = colours[line % len(colours)]
            y, half = part[plot.y].to_numpy(dtype=float), part[f"{plot.y}_ci95"].fillna(0.0).to_numpy(dtype=float)
            below = np.minimum(half, np.maximum(y, 0.0))  # every metric is non-negative: no interval below zero
            ax.errorbar(part[plot.x], y, yerr=np.vstack([below, half]), ms=5, capsize=3,
                        marker=MARKERS[line % len(MARKERS)], ls=DASHES[line % len(DASHES)], color=colour,
                        mfc="none" if line % 2 else colour, label=name)
            ring_conditional(ax, part, plot.x, plot.y)
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


def _short(key: str) -> str:
    """A grid key as a legend entry: 'Nt', 'L', 'Q', 'K', 'M' where the model has a symbol."""
    symbols = {"layout.tx_antennas": "Nt", "problem.comm_cluster": "L", "problem.sensing_cluster": "Q",
               "problem.max_users_per_bs": "K", "problem.users_per_bs": "K", "problem.targets_per_bs": "M",
               "problem.radar_cluster": "N"}
    return symbols.get(key, key.split(".")[-1])


def report_figure(spec: SweepFile, table, path: str | Path, *, quick: bool | None = None) -> Path:
    """One panel per plot of the sweep's ``report`` (a default panel when it has none); ``quick``: the
    results are of the sweep's quick size, said in the figure."""
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
            if plot.note:
                ax.text(0.99, 0.01, plot.note, transform=ax.transAxes, ha="right", va="bottom", fontsize=6,
                        color="0.3", gid=NOTE_GID)
        if plot.kind == "versus" and plot.x in shown and shown[plot.x].dropna().map(
                lambda v: isinstance(v, (int, float)) and float(v).is_integer()).all():
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # antennas, cluster sizes: whole numbers
        ax.set_xlabel(_label(plot.x))
        ax.set_ylabel(_label(plot.y))
        ax.set_title((plot.title or spec.name) + (" [QUICK SIZE]" if quick else ""), fontsize=10)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6.5, framealpha=0.8)
        else:  # nothing to draw: say why instead of an empty panel
            ax.text(0.5, 0.5, f"no point with every snapshot certified\n({int(shown['complete'].sum())} of "
                    f"{len(shown)} design/point averages complete)", transform=ax.transAxes, ha="center",
                    va="center", fontsize=9, color="0.3")
    for ax in list(axes.flat)[len(plots):]:
        ax.set_visible(False)
    complete = int(table["complete"].sum())
    conditional = _conditional_footer(spec, table)
    size = "QUICK SIZE, not the study's figure\n" if quick else ""
    fig.text(0.01, 0.005, f"{size}{_snapshot_footer(spec, table)}, 95 % intervals{_control_footer(spec)}\n"
             f"{complete} of {len(table)} design/point averages have every snapshot certified" + conditional,
             fontsize=7, color="tab:red" if quick else "0.4")
    fig.tight_layout(rect=(0, 0.07 if quick else 0.05, 1, 1))
    place_notes(fig)
    return save_figure(fig, path, dpi=130)


def _snapshot_footer(spec: SweepFile, table) -> str:
    """How many snapshots each point averages: the sweep's counts, or with a ``precision`` block the range
    each design's points ran to (and the rule that stopped them)."""
    held = spec.held_to_precision()
    if held and "snapshots" in table:
        ran = "; ".join(f"{d}: {int(part.min())}" + (f"-{int(part.max())}" if part.max() > part.min() else "")
                        for d in held if len(part := table.loc[table["design"] == d, "snapshots"]))
        fixed = "; ".join(f"{d.name}: {spec.snapshots_of(d.name)}" for d in spec.designs if d.name not in held)
        return (f"snapshots per point until every mean of {', '.join(spec.precision.metrics)} is within "
                f"{100 * spec.precision.relative:g} % ({ran}" + (f"; {fixed}" if fixed else "") + ")")
    counts = "; ".join(f"{d.name}: {spec.snapshots_of(d.name)}" for d in spec.designs if d.snapshots) if any(
        d.snapshots for d in spec.designs) else ""
    return f"{spec.snapshots} snapshots per point" + (f" ({counts})" if counts else "")


def _control_footer(spec: SweepFile) -> str:
    """The footer's word on control variates: which designs' means and intervals use which control."""
    by: dict[str, list[str]] = {}
    for d in spec.designs:
        if d.control is not None:
            by.setdefault(d.control, []).append(d.name)
    return "".join(f" (control variate {c} for {', '.join(names)})" for c, names in by.items())


def _conditional_footer(spec: SweepFile, table) -> str:
    """The footer's word on conditional means, when a panel draws points with uncertified snapshots."""
    shares = sorted({p.min_certified for p in spec.report if p.min_certified < 1.0})
    if not shares or "certified_share" not in table:
        return ""
    partial = table[(table["certified_share"] >= shares[0]) & ~table["complete"].astype(bool)]
    return (f"; ringed points ({len(partial)} averages, >= {100 * shares[0]:g} % of snapshots certified) are "
            "means over the certified snapshots only")


def _default_plot(spec: SweepFile) -> PlotSpec:
    x = next(iter(spec.grid), None)
    if x is None:
        return PlotSpec(kind="tradeoff", x="comm_ase", y="sensing_ase")
    return PlotSpec(kind="versus", x=x, y="comm_ase")

"""The S&C ASE region of an allocation: per service level a panel, per Nt the Pareto envelope of the
tuples (analysis and Monte Carlo), the time-sharing line between its corners and the corners' tuples."""

from __future__ import annotations

from pathlib import Path


from ..plots import plt, save_figure
from .select import region

OPTION_KEYS = ("precoder", "sensing_streams", "sensing_null_rank", "comm_fraction", "sensing", "objective", "sinr_db")


def options_line(spec) -> str:
    """The design options every panel states (SPEC.md section 10 leaves them open)."""
    d = spec.design
    parts = [f"{k}={getattr(d, k)}" for k in OPTION_KEYS
             if hasattr(d, k) and getattr(d, k) is not None and not (k == "objective" and d.kind == "baseline")]
    if d.kind != "baseline":
        parts.insert(0, d.kind)
    parts.append(f"channels={spec.channels.model}")
    return ", ".join(parts)


def region_figure(result, path: str | Path, *, title: str | None = None) -> Path:
    """One panel per service level; colours per Nt; solid Monte Carlo, dashed analysis, dotted time sharing."""
    spec = result.spec
    levels = spec.service
    fig, axes = plt.subplots(1, len(levels), figsize=(5.2 * len(levels), 4.4), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    methods = [m for m in ("montecarlo", "analysis") if (result.table["method"] == m).any()]
    for ax, level in zip(axes[0], levels):
        for c, nt in enumerate(spec.tx_antennas):
            colour = colours[c % len(colours)]
            for method in methods:
                reg = region(result.of(method), None, nt, level)
                env = reg["envelope"]
                if env.empty:
                    continue
                style = "-" if method == "montecarlo" else "--"
                label = f"Nt = {nt}" + ("" if len(methods) == 1 else f" ({'MC' if method == 'montecarlo' else 'SG'})")
                ax.plot(env["comm_ase"], env["sensing_ase"], style, marker="o" if method == "montecarlo" else None,
                        ms=3, color=colour, label=label)
                if method == "montecarlo" and "comm_ase_ci95" in env:
                    ax.errorbar(env["comm_ase"], env["sensing_ase"], xerr=env["comm_ase_ci95"],
                                yerr=env["sensing_ase_ci95"], fmt="none", ecolor=colour, alpha=0.4, lw=0.8)
                (c1, s1), (c0, s0) = reg["corners"]
                if method == methods[0]:
                    ax.plot([c1, c0], [s1, s0], ":", color=colour, lw=1.2)
        ax.set_xlabel("communication ASE [bit/s/Hz/km$^2$]")
        ax.set_ylabel("sensing ASE [bit/s/Hz/km$^2$]")
        gc, gs = level.rate_bps_hz, level.radar_rate_bps_hz
        ax.set_title(f"service '{level.name}': mean rate >= {gc:g}, radar rate >= {gs:g} bit/s/Hz", fontsize=9)
        ax.grid(alpha=0.3)
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7, loc="upper right")
    snaps = int(result.of("montecarlo")["snapshots"].max()) if "montecarlo" in methods else 0
    foot = (f"{options_line(spec)}; envelope over {_search_text(spec)}; dotted: time sharing between the corners; "
            + (f"Monte Carlo: {snaps} snapshots, bars = 95 % intervals" if snaps else "analysis only"))
    fig.suptitle(title or spec.name, fontsize=11)
    fig.text(0.5, 0.005, foot, ha="center", va="bottom", fontsize=7, wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    return save_figure(fig, path, dpi=130)


def _search_text(spec) -> str:
    symbols = {"users_per_bs": "K", "targets_per_bs": "M", "comm_cluster": "L", "sensing_cluster": "Q"}
    return ", ".join(f"{symbols.get(k, k)} in {{{', '.join(str(v) for v in vals)}}}" for k, vals in spec.search.items())


__all__ = ["options_line", "region_figure"]

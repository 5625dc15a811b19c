"""Scaling laws of cooperative localisation (issue: angle information; docs/theory/cooperative.md):

    python tools/localisation_laws.py [--seeds 400] [--out docs/figures/localisation-laws]

writes <out>.png (median CRLB against N, one panel per path-loss exponent, range / angle / hybrid /
bistatic angle of arrival, 95 % intervals of the medians, reference slopes) and <out>.csv (about 6 min;
``--replot`` redraws the figure from the CSV)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from isacopt.studies.localisation_scaling import INFORMATION, crlb_laws  # noqa: E402

LABELS = {"range": "range (multistatic TOA)", "angle": "angle (monostatic AoA)", "hybrid": "range + angle",
          "angle_bistatic": "AoA of every pair (receive side)"}
EXPONENTS = (2.0, 3.0, 4.0)
N_VALUES = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


def main(seeds: int, out: str) -> None:
    t0 = time.perf_counter()
    laws = {a: crlb_laws(N_VALUES, seeds, pathloss_exponent=a) for a in EXPONENTS}
    rows = [{"pathloss_exponent": a, "information": i, "n": int(n), "median_crlb_m2": r.median_crlb_m2[k],
             "ci95_low_m2": r.ci95_low_m2[k], "ci95_high_m2": r.ci95_high_m2[k], "finite": r.finite[k],
             "ln_exponent_n_ge_8": r.ln_exponent(), "seeds": seeds}
            for a, by in laws.items() for i, r in by.items() for k, n in enumerate(r.n)]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(f"{out}.csv", index=False)
    plot(pd.DataFrame(rows), out)
    print(f"{out}.png and .csv written in {time.perf_counter() - t0:.0f} s")
    for a, by in laws.items():
        print(f"alpha {a:g}: " + ", ".join(f"{i} p = {r.ln_exponent():.2f}" for i, r in by.items()))


def plot(table: pd.DataFrame, out: str) -> None:
    """One panel per exponent: CRLB(N) / CRLB(8) of each kind of information, with the 1/ln^2 N and 1/ln N
    slopes through the same anchor (the absolute levels differ by orders of magnitude between kinds)."""
    exponents = sorted(table.pathloss_exponent.unique())
    seeds = int(table.seeds.iloc[0])
    fig, axes = plt.subplots(1, len(exponents), figsize=(5 * len(exponents), 4.4))
    for ax, a in zip(np.atleast_1d(axes), exponents):
        for i in INFORMATION:
            r = table[(table.pathloss_exponent == a) & (table.information == i) & (table.finite > 0.5)]
            anchor = float(r[r.n == 8].median_crlb_m2.iloc[0])
            ax.plot(r.n, r.median_crlb_m2 / anchor, "o-", ms=3,
                    label=f"{LABELS[i]}: p = {r.ln_exponent_n_ge_8.iloc[0]:.2f}")
            ax.fill_between(r.n, r.ci95_low_m2 / anchor, r.ci95_high_m2 / anchor, alpha=0.2)
        n = np.array([x for x in N_VALUES if x >= 4], float)
        ax.plot(n, (np.log(8) / np.log(n)) ** 2, "k--", lw=0.8, label="ln^2(8) / ln^2(N)")
        ax.plot(n, np.log(8) / np.log(n), "k:", lw=0.8, label="ln(8) / ln(N)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks([2, 4, 8, 16, 32, 64], labels=["2", "4", "8", "16", "32", "64"])
        ax.minorticks_off()
        ax.set_xlabel("cooperating BSs N")
        ax.set_ylabel("median CRLB(N) / median CRLB(8)")
        ax.set_title(f"path-loss exponent {a:g}")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle(f"Median position CRLB vs N, PPP 1 BS/km^2, Nt = 4, Nr = 5, 1 W each at the target, 50 MHz: "
                 f"{seeds} networks, 95 % intervals of the medians; p fitted by CRLB ~ ln(N)^-p over N >= 8",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(f"{out}.png", dpi=110)


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--seeds", type=int, default=400)
    args.add_argument("--out", default="docs/figures/localisation-laws")
    args.add_argument("--replot", action="store_true", help="redraw <out>.png from <out>.csv")
    a = args.parse_args()
    if a.replot:
        plot(pd.read_csv(f"{a.out}.csv"), a.out)
    else:
        main(a.seeds, a.out)

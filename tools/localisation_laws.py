"""Scaling laws of cooperative localisation (issue: angle information; docs/theory/cooperative.md):

    python tools/localisation_laws.py [--seeds 400] [--out docs/figures/localisation-laws]

writes <out>.png (median CRLB against N, one panel per path-loss exponent, range / angle / hybrid /
bistatic angle of arrival, 95 % intervals of the medians, reference slopes) and <out>.csv."""

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
    fig, axes = plt.subplots(1, len(EXPONENTS), figsize=(5 * len(EXPONENTS), 4.4), sharey=False)
    for ax, (a, by) in zip(axes, laws.items()):
        for i in INFORMATION:
            r = by[i]
            ok = r.finite > 0.5
            ax.plot(r.n[ok], r.median_crlb_m2[ok], "o-", ms=3, label=f"{LABELS[i]}: p = {r.ln_exponent():.2f}")
            ax.fill_between(r.n[ok], r.ci95_low_m2[ok], r.ci95_high_m2[ok], alpha=0.2)
        ref = by["range"]
        anchor = float(ref.median_crlb_m2[list(ref.n).index(8)])
        n = np.array(N_VALUES[3:], float)
        ax.plot(n, anchor * (np.log(8) / np.log(n)) ** 2, "k--", lw=0.8, label="c / ln^2 N")
        ax.plot(n, anchor * np.log(8) / np.log(n), "k:", lw=0.8, label="c / ln N")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cooperating BSs N")
        ax.set_ylabel("median CRLB [m^2]")
        ax.set_title(f"path-loss exponent {a:g}")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle(f"Median position CRLB vs N: PPP 1 BS/km^2, Nt = 4, Nr = 5, 1 W each at the target, 50 MHz; "
                 f"{seeds} networks, 95 % intervals of the medians; p: fitted CRLB ~ ln(N)^-p, N >= 8", fontsize=9)
    fig.tight_layout()
    fig.savefig(f"{out}.png", dpi=110)
    print(f"{out}.png and .csv written in {time.perf_counter() - t0:.0f} s")
    for a, by in laws.items():
        print(f"alpha {a:g}: " + ", ".join(f"{i} p = {r.ln_exponent():.2f}" for i, r in by.items()))


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--seeds", type=int, default=400)
    args.add_argument("--out", default="docs/figures/localisation-laws")
    a = args.parse_args()
    main(a.seeds, a.out)

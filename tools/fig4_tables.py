"""Markdown tables of the seed-fig4-backhaul summary for the case-studies page:

    python tools/fig4_tables.py docs/figures/sweep-fig4-backhaul.csv

prints, per backhaul capacity, the Pareto envelope (mean rate, mean root CRLB, the choice, interval
widths), the time-sharing root CRLB at the same rates, the non-cooperative baseline, and the backhaul
load of the most cooperative choice (how much more cooperation each capacity admits)."""

from __future__ import annotations

import sys

import pandas as pd

from isacopt.metrics.time_sharing import time_sharing_root_crlb
from isacopt.sweep.report import pareto

KEYS = ["problem.comm_fraction", "problem.joint_cluster", "problem.radar_cluster", "problem.pairs"]


def time_sharing_crlb(rate: float, comm: pd.Series, sens: pd.Series) -> float:
    return time_sharing_root_crlb(rate, comm.mean_rate, sens.mean_rate, sens.mean_root_crlb)


def envelope(part: pd.DataFrame) -> pd.DataFrame:
    idx = pareto(part.mean_root_crlb.to_numpy(), part.mean_rate.to_numpy(), True, False)
    return part.iloc[idx]


def main(path: str) -> None:
    t = pd.read_csv(path)
    coop, base = t[t.design == "cooperative"], t[t.design == "non-cooperative"]
    widest = 0.0
    for cap in sorted(coop["layout.backhaul_bps"].unique()):
        part = coop[coop["layout.backhaul_bps"] == cap]
        env = envelope(part)
        comm, sens = part.loc[part.mean_rate.idxmax()], part.loc[part.mean_root_crlb.idxmin()]
        print(f"\n**{cap:.0e} bit/s per BS**\n")
        print("| rho | L | Q | pairs | mean rate [bit/s/Hz] | mean root CRLB [m] | time sharing [m] | ci rate, CRLB |")
        print("|---|---|---|---|---|---|---|---|")
        for _, r in env.iterrows():
            ts = time_sharing_crlb(r.mean_rate, comm, sens)
            ci = (r.mean_rate_ci95 / r.mean_rate, r.mean_root_crlb_ci95 / r.mean_root_crlb)
            widest = max(widest, *ci)
            print(f"| {r['problem.comm_fraction']} | {r['problem.joint_cluster']} | {r['problem.radar_cluster']} | "
                  f"{r['problem.pairs']} | {r.mean_rate:.3f} | {r.mean_root_crlb:.2f} | {ts:.2f} | "
                  f"{100 * ci[0]:.1f} %, {100 * ci[1]:.1f} % |")
        most = part[(part["problem.joint_cluster"] == part["problem.joint_cluster"].max())
                    & (part["problem.radar_cluster"] == part["problem.radar_cluster"].max())
                    & (part["problem.pairs"] == "multistatic")]
        print(f"\nmost cooperative request (L, Q max, multistatic): mean backhaul load "
              f"{most.backhaul_load.mean():.3g} bit/s per BS, largest utilisation {most.backhaul_utilisation.max():.2f}")
    print("\n**non-cooperative (L = Q = 1, fusion)**\n")
    print("| rho | mean rate [bit/s/Hz] | mean root CRLB [m] | ci rate, CRLB |")
    print("|---|---|---|---|")
    for _, r in base.sort_values("problem.comm_fraction").iterrows():
        ci = (r.mean_rate_ci95 / r.mean_rate, r.mean_root_crlb_ci95 / r.mean_root_crlb)
        widest = max(widest, *ci)
        print(f"| {r['problem.comm_fraction']} | {r.mean_rate:.3f} | {r.mean_root_crlb:.1f} | "
              f"{100 * ci[0]:.1f} %, {100 * ci[1]:.1f} % |")
    print(f"\nwidest 95 % interval of a plotted point: {100 * widest:.1f} % of its mean")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/figures/sweep-fig4-backhaul.csv")

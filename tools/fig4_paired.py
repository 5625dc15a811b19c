"""Paired intervals for the differences the Fig. 4 study claims, from its result store:

    python tools/fig4_paired.py runs/fig4 > docs/studies/fig4-paired-differences.md

Every grid point sees the same networks (snapshot i, one seed), so a difference between two points is
estimated from per-snapshot pairs (isacopt.sweep.paired): much tighter than the marginal 8-15 % CRLB
intervals. Printed as markdown, per backhaul capacity step (same rho, L, Q, pairs; the knob choices on
the higher capacity's envelope), for the L = 3 joint design against L = 1 at the same rho and Q, and for
the joint design against time sharing between the corners (a paired bootstrap)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from isacopt.metrics.time_sharing import time_sharing_root_crlb
from isacopt.sweep.metrics import RATIOS
from isacopt.sweep.paired import paired_ratio_difference
from isacopt.sweep.report import pareto
from isacopt.sweep.store import ResultStore

KNOBS = ["problem.comm_fraction", "problem.joint_cluster", "problem.radar_cluster", "problem.pairs"]
CAP = "layout.backhaul_bps"


def ratio(part: pd.DataFrame, metric: str) -> float:
    num, den = RATIOS[metric]
    return part[num].sum() / part[den].sum()


def paired(a: pd.DataFrame, b: pd.DataFrame, metric: str) -> tuple[float, float]:
    """Relative difference a / b - 1 of ``metric`` and its 95 % half-width, over the snapshots both have."""
    num, den = RATIOS[metric]
    both = a.merge(b, on="snapshot", suffixes=("_a", "_b"))
    d, half, _ = paired_ratio_difference(both[num + "_a"], both[den + "_a"], both[num + "_b"], both[den + "_b"])
    return d, half


def fmt(d: float, half: float) -> str:
    if abs(d) < 5e-4 and half < 5e-4:
        return "unchanged (< 0.05 %)"  # the same design on (nearly) every snapshot
    mark = "" if abs(d) > half else " (not resolved)"
    return f"{100 * d:+.1f} % +- {100 * half:.1f} %{mark}"


def time_sharing(coop: pd.DataFrame, cap: float, draws: int = 2000, seed: int = 0) -> list[str]:
    """Rows: each envelope choice's root CRLB against time sharing between the capacity's two corners (the
    largest-rate and the smallest-CRLB choice) at the same mean rate, joint / time sharing - 1, with a
    paired bootstrap interval (snapshots resampled together: time sharing is a nonlinear function of four
    ratio estimates). Time sharing spends a fraction tau of the time at the rate corner: CRLB_s / (1 - tau)."""
    part = coop[coop[CAP] == cap]
    keys = list(part.groupby(KNOBS).groups)
    snaps = np.sort(part.snapshot.unique())
    cols = {m: RATIOS[m] for m in ("mean_rate", "mean_root_crlb")}
    # per choice: per-snapshot numerators and denominators, aligned by snapshot
    arr = {k: {m: (select(coop, cap, k).set_index("snapshot").loc[snaps, [num, den]].to_numpy(float))
               for m, (num, den) in cols.items()} for k in keys}
    rng = np.random.default_rng(seed)
    idx = np.vstack([np.arange(snaps.size), rng.integers(0, snaps.size, (draws, snaps.size))])

    def stat(k, m):  # ratio per resample (row 0: the sample itself)
        a = arr[k][m]
        return a[idx, 0].sum(1) / a[idx, 1].sum(1)

    rate = {k: stat(k, "mean_rate") for k in keys}
    crlb = {k: stat(k, "mean_root_crlb") for k in keys}
    comm = max(keys, key=lambda k: rate[k][0])
    sens = min(keys, key=lambda k: crlb[k][0])
    env = [keys[i] for i in pareto(np.array([crlb[k][0] for k in keys]), np.array([rate[k][0] for k in keys]),
                                   True, False)]
    rows, seen = [], set()
    for k in env:
        if k in (comm, sens) or rate[k][0] >= rate[comm][0] or crlb[k][0] <= crlb[sens][0]:
            continue  # a corner (or its fusion/multistatic twin): time sharing is the point itself
        rel = crlb[k] / time_sharing_root_crlb(rate[k], rate[comm], rate[sens], crlb[sens]) - 1
        lo, hi = np.percentile(rel[1:], [2.5, 97.5])
        line = f"{100 * rel[0]:+.1f} % [{100 * lo:+.1f}, {100 * hi:+.1f}] %"
        if (k[:3], line) in seen:
            continue  # fusion and multistatic give the same design below the raw-echo capacity
        seen.add((k[:3], line))
        mark = "" if lo > 0 or hi < 0 else " (not resolved)"
        rows.append(f"| {cap:.0e} | {k[0]} | {k[1]:.0f} | {k[2]:.0f} | {k[3]} | {rate[k][0]:.3f} | {line}{mark} |")
    return rows


def envelope_choices(coop: pd.DataFrame, cap: float) -> list[tuple]:
    groups = coop[coop[CAP] == cap].groupby(KNOBS)
    keys = list(groups.groups)
    crlb = np.array([ratio(groups.get_group(k), "mean_root_crlb") for k in keys])
    rate = np.array([ratio(groups.get_group(k), "mean_rate") for k in keys])
    return [keys[i] for i in pareto(crlb, rate, True, False)]


def select(coop: pd.DataFrame, cap: float, knobs: tuple) -> pd.DataFrame:
    mask = coop[CAP] == cap
    for col, v in zip(KNOBS, knobs):
        mask &= coop[col] == v
    return coop[mask]


def main(store_dir: str) -> None:
    df = ResultStore(store_dir).dataframe()
    coop = df[df.design == "cooperative"]
    caps = sorted(coop[CAP].unique())
    n = coop.snapshot.nunique()
    print("# Fig. 4: paired differences\n")
    print("Written by `python tools/fig4_paired.py runs/fig4` from the store of `isacopt sweep seed-fig4-backhaul "
          "--out runs/fig4` ([readings](seed-case-studies.md)).\n")
    print(f"{n} snapshots per point (paired by snapshot); 95 % delta-method intervals of the relative difference\n")
    print("**Capacity step (same knobs, higher capacity vs the next lower)**\n")
    print("| capacity | rho | L | Q | pairs | rate | root CRLB |")
    print("|---|---|---|---|---|---|---|")
    for lo, hi in zip(caps, caps[1:]):
        seen = set()
        for knobs in envelope_choices(coop, hi):
            a, b = select(coop, hi, knobs), select(coop, lo, knobs)
            rate, crlb = paired(a, b, "mean_rate"), paired(a, b, "mean_root_crlb")
            if abs(rate[0]) < 1e-12 and abs(crlb[0]) < 1e-12:
                continue  # the lower capacity already admits this choice: nothing changes
            line = f"{fmt(*rate)} | {fmt(*crlb)}"
            if (knobs[:3], line) in seen:
                continue  # fusion and multistatic give the same design below the raw-echo capacity
            seen.add((knobs[:3], line))
            print(f"| {lo:.0e} -> {hi:.0e} | {knobs[0]} | {knobs[1]:.0f} | {knobs[2]:.0f} | {knobs[3]} | {line} |")
    print("\n**Joint transmission: L = 3 vs L = 1 (same capacity, rho, Q = 3, multistatic)**\n")
    print("| capacity | rho | rate | root CRLB |")
    print("|---|---|---|---|")
    for cap in caps:
        for rho in sorted(coop["problem.comm_fraction"].unique()):
            a = select(coop, cap, (rho, 3, 3, "multistatic"))
            b = select(coop, cap, (rho, 1, 3, "multistatic"))
            print(f"| {cap:.0e} | {rho} | {fmt(*paired(a, b, 'mean_rate'))} | {fmt(*paired(a, b, 'mean_root_crlb'))} |")


    print("\n**Joint design vs time sharing between the corners, at the same mean rate (root CRLB)**\n")
    print("| capacity | rho | L | Q | pairs | mean rate | joint / time sharing - 1, 95 % bootstrap |")
    print("|---|---|---|---|---|---|---|")
    for cap in caps:
        for row in time_sharing(coop, cap):
            print(row)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/fig4")

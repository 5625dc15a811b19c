"""Markdown tables of an allocation's results for the case-studies page (docs/studies/seed-case-studies.md):

    python tools/allocation_tables.py docs/figures/seed-fig3-allocation

prints, per Nt and service level, the two corners, the largest gain of the Monte Carlo envelope over time
sharing, the w = 0.5 choice, and how far the analysis is from the Monte Carlo on the confirmed tuples."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from isacopt.allocation import load_allocation
from isacopt.allocation.select import region


def main(folder: str, spec_path: str = "problems/allocations/seed-fig3-allocation.yaml") -> None:
    spec = load_allocation(spec_path)
    tuples = pd.read_csv(Path(folder) / "tuples.csv")
    picks = pd.read_csv(Path(folder) / "choices.csv")
    mc = tuples[tuples.method == "montecarlo"]
    print("| Nt | service | comm corner (w = 1) | sensing corner (w = 0) | w = 0.5 | gain over time sharing |")
    print("|---|---|---|---|---|---|")
    for nt in spec.tx_antennas:
        for level in spec.service:
            reg = region(mc, None, nt, level)
            rows = picks[(picks.method == "montecarlo") & (picks.tx_antennas == nt) & (picks.service == level.name)]
            if reg["corners"] is None or rows.empty or (rows.status != "ok").all():
                print(f"| {nt} | {level.name} | none meets it | | | |")
                continue

            def pick(w):
                r = rows[rows.weight == w].iloc[0]
                return (f"{r.label}: {r.comm_ase:.2f} +- {r.comm_ase_ci95:.2f} / "
                        f"{r.sensing_ase:.2f} +- {r.sensing_ase_ci95:.2f}")

            print(f"| {nt} | {level.name} | {pick(1.0)} | {pick(0.0)} | {pick(0.5)} | "
                  f"{100 * reg['gain']:.0f} % ({reg['gain_at']}) |")
    ok = mc[mc.status == "ok"].set_index(["tx_antennas", "label"])
    sg = tuples[tuples.method == "analysis"].set_index(["tx_antennas", "label"]).loc[ok.index]
    print()
    for col in ("mean_rate", "mean_radar_rate", "comm_ase", "sensing_ase"):
        rel = (sg[col] / ok[col] - 1).abs()
        print(f"- {col}: analysis vs Monte Carlo on {len(rel)} confirmed tuples: mean {100 * rel.mean():.1f} %, "
              f"largest {100 * rel.max():.1f} %")
    env = [(r[c + "_ci95"] / r[c]) for nt in spec.tx_antennas for lv in spec.service
           for r in region(mc, None, nt, lv)["envelope"].to_dict("records") for c in ("comm_ase", "sensing_ase")
           if r[c] > 0]
    print(f"- largest 95 % half-width on an envelope point: {100 * max(env):.1f} % of its value ({len(env)} values)")


if __name__ == "__main__":
    main(*sys.argv[1:])

"""Tables of the optimised-design Fig. 3 study from its result store:

    python tools/fig3_optimised_tables.py results/fig3opt

Per grid point and design: the communication and sensing ASE with 95 % half-widths (Student-t over
snapshots; the rows the report averages: certified, within the sweep's max_gap of their bound), and the half-width as a share of the mean. Then the
paired differences (same networks, snapshot by snapshot) of each optimised design against ZF at the same
Nt, K and Q: the per-snapshot ASE difference, its mean and 95 % half-width, and in how many snapshots the
optimised design is ahead. Markdown on standard output."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from isacopt.sweep import ResultStore
from isacopt.sweep.report import designs_in_db, mean_ci, standing

KEYS = ["layout.tx_antennas", "problem.users_per_bs", "problem.sensing_cluster"]


def marginal(df: pd.DataFrame) -> list[str]:
    lines = ["| design | Nt | K | Q | SINR target [dB] | snapshots | comm ASE | sensing ASE |",
             "|---|---|---|---|---|---|---|---|"]
    cols = KEYS + ["problem.sinr_db"]
    for key, part in df[df.ok].groupby(["design"] + cols, dropna=False):
        cells = []
        for metric in ("comm_ase", "sensing_ase"):
            m, h = mean_ci(part[metric].to_numpy(float))
            cells.append(f"{m:.2f} +- {h:.2f} ({100 * h / m:.0f} %)" if m > 0 else f"{m:.2f}")
        target = "-" if pd.isna(key[-1]) else f"{key[-1]:g}"
        lines.append(f"| {key[0]} | {key[1]:g} | {key[2]:g} | {key[3]:g} | {target} | {len(part)} | "
                     + " | ".join(cells) + " |")
    return lines


def paired(df: pd.DataFrame) -> list[str]:
    lines = ["| design - zf | Nt | K | Q | SINR target [dB] | snapshots | comm ASE difference | ahead | "
             "sensing ASE difference | ahead |", "|---|---|---|---|---|---|---|---|---|---|"]
    ok = df[df.ok]
    zf = ok[ok.design == "zf"]
    for key, part in ok[ok.design != "zf"].groupby(["design"] + KEYS + ["problem.sinr_db"], dropna=False):
        ref = zf
        for k, v in zip(KEYS, key[1:4]):
            ref = ref[ref[k] == v]
        both = part.merge(ref, on="snapshot", suffixes=("", "_zf"))
        if len(both) < 2:
            continue
        cells = []
        for metric in ("comm_ase", "sensing_ase"):
            d = (both[metric] - both[metric + "_zf"]).to_numpy(float)
            m, h = mean_ci(d)
            cells += [f"{m:+.2f} +- {h:.2f}", f"{int((d > 0).sum())} of {len(d)}"]
        target = "-" if pd.isna(key[-1]) else f"{key[-1]:g}"
        lines.append(f"| {key[0]} | {key[1]:g} | {key[2]:g} | {key[3]:g} | {target} | {len(both)} | "
                     + " | ".join(cells) + " |")
    return lines


def main(directory: str) -> None:
    with ResultStore(directory) as store:
        df, spec = store.dataframe(), store.spec()
    max_gap = spec.max_gap
    df["db"] = df.design.map(designs_in_db(spec)).fillna(False)
    df["standing"] = [standing(row, max_gap) for row in df.to_dict("records")]
    df["ok"] = df["standing"] == "ok"
    counts = df.standing.value_counts().to_dict()
    print(f"rows by standing (max_gap {max_gap:g}; 'ok' rows enter the tables): {counts}\n")
    print("\n".join(marginal(df)))
    print()
    print("\n".join(paired(df)))
    widths = []
    for _, part in df[df.ok].groupby(["design"] + KEYS + ["problem.sinr_db"], dropna=False):
        for metric in ("comm_ase", "sensing_ase"):
            m, h = mean_ci(part[metric].to_numpy(float))
            if m > 0:
                widths.append(h / m)
    print(f"\nhalf-width / mean: median {100 * np.median(widths):.0f} %, largest {100 * max(widths):.0f} % "
          f"({len(widths)} plotted means)")


if __name__ == "__main__":
    main(sys.argv[1])

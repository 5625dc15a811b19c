"""Tables of the optimised-design Fig. 3 study from its result store:

    python tools/fig3_optimised_tables.py results/fig3opt

Per grid point and design: the communication and sensing ASE as the report estimates them (certified rows,
within the sweep's max_gap of their bound; the optimised designs with their control variate, ZF without a
sensing null on the same networks), the half-width as a share of the mean and the control's correlation.
Then the paired differences (same networks, snapshot by snapshot) of each optimised design against ZF at the
same Nt, K and Q: the per-snapshot ASE difference, its mean and 95 % half-width with the same control
variate (the plain paired half-width in brackets), and in how many snapshots the optimised design is ahead.
Then, per Nt, how far each envelope point between the corners lies above the time-sharing line, with a
paired interval. Markdown on standard output."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from isacopt.sweep import ResultStore
from isacopt.sweep.control_variate import controlled_ratio, node_controls
from isacopt.sweep.report import corners, designs_in_db, mean_ci, pareto, standing, summarise

KEYS = ["layout.tx_antennas", "problem.users_per_bs", "problem.sensing_cluster"]
OPTIMISED = ("max-min-sensing-sinr", "max-min-sinr")  # zf-q1 is the control variate, not drawn
MIN_CERTIFIED = 0.95  # the report's min_certified: points below it are not drawn


def marginal(table: pd.DataFrame, drawn: set[str]) -> tuple[list[str], list[float]]:
    """The report's estimates (control variate where the design has one) with half-width shares; the shares
    of the drawn designs' points."""
    lines = ["| design | Nt | K | Q | SINR target [dB] | certified | comm ASE | sensing ASE | rho (comm, sensing) |",
             "|---|---|---|---|---|---|---|---|---|"]
    widths = []
    for _, row in table[table.design.isin(drawn)].iterrows():
        cells = []
        for metric in ("comm_ase", "sensing_ase"):
            m, h = row[metric], row[f"{metric}_ci95"]
            cells.append(f"{m:.2f} +- {h:.2f} ({100 * h / m:.1f} %)" if m > 0 else f"{m:.2f}")
            if m > 0 and row["certified_share"] >= MIN_CERTIFIED:
                widths.append(h / m)
        rho = (f"{row['comm_ase_rho']:.2f}, {row['sensing_ase_rho']:.2f}"
               if "comm_ase_rho" in row and pd.notna(row["comm_ase_rho"]) else "-")
        target = "-" if pd.isna(row.get("problem.sinr_db")) else f"{row['problem.sinr_db']:g}"
        lines.append(f"| {row.design} | {row[KEYS[0]]:g} | {row[KEYS[1]]:g} | {row[KEYS[2]]:g} | {target} | "
                     f"{row.ok} of {row.snapshots} | " + " | ".join(cells) + f" | {rho} |")
    return lines, widths


def controls_of(zq1: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The control variate's regressors per snapshot, as the report builds them (control_variate.node_controls):
    the control's metric, its node counts and worst rates, and the probed count times the weakest target's
    lone rate."""
    rows = [{k: v for k, v in row.items() if not (isinstance(v, float) and np.isnan(v))}
            for row in zq1.to_dict("records")]
    cols = {"metric": zq1[metric].astype(float)}
    for i, names in enumerate(node_controls(rows)):
        cols[f"z{i}"] = np.prod([zq1[c].astype(float) for c in names], axis=0)
    return pd.DataFrame(cols, index=zq1.snapshot)


def paired(df: pd.DataFrame) -> list[str]:
    """Optimised minus ZF, snapshot by snapshot on the networks both certified: the mean difference with the
    control variate (zf-q1 on the same networks, its snapshots beyond the design's count pinning its mean)
    and, in brackets, the plain paired interval. As in the report, the design's snapshots where the pair is
    not certified enter with weight 0 (a ratio over the snapshots run), so the estimand is the plain one."""
    lines = ["| design - zf | Nt | K | Q | SINR target [dB] | snapshots | comm ASE difference (plain) | ahead | "
             "sensing ASE difference (plain) | ahead |", "|---|---|---|---|---|---|---|---|---|---|"]
    ok = df[df.ok]
    zf, zq1 = ok[ok.design == "zf"], ok[ok.design == "zf-q1"]
    for key, part in ok[ok.design.isin(OPTIMISED)].groupby(["design"] + KEYS + ["problem.sinr_db"], dropna=False):
        ref, control = zf, zq1
        for k, v in zip(KEYS, key[1:4]):
            ref = ref[ref[k] == v]
        for k, v in zip(KEYS[:2], key[1:3]):
            control = control[control[k] == v]
        both = part.merge(ref, on="snapshot", suffixes=("", "_zf"))
        if len(both) < 2:
            continue
        ran = set(rows_of(df, {"design": key[0], **dict(zip(KEYS + ["problem.sinr_db"], key[1:]))}).index)
        cells = []
        for metric in ("comm_ase", "sensing_ase"):
            d = (both[metric] - both[metric + "_zf"]).to_numpy(float)
            m, h = mean_ci(d)
            z = controls_of(control, metric)
            est = None
            if ran <= set(z.index):  # the universe: every snapshot the design ran, weight 0 where not paired
                universe = sorted(ran)
                weight = pd.Series(0.0, index=universe)
                weight[both.snapshot] = 1.0
                diff = pd.Series(0.0, index=universe)
                diff[both.snapshot] = d
                est = controlled_ratio(diff.to_numpy(), weight.to_numpy(), z.loc[universe].to_numpy(),
                                       z.drop(index=universe).to_numpy())
            shown = f"{est.value:+.2f} +- {est.half_width:.2f} ({h:.2f})" if est else f"{m:+.2f} +- {h:.2f} (plain)"
            cells += [shown, f"{int((d > 0).sum())} of {len(d)}"]
        target = "-" if pd.isna(key[-1]) else f"{key[-1]:g}"
        lines.append(f"| {key[0]} | {key[1]:g} | {key[2]:g} | {key[3]:g} | {target} | {len(both)} | "
                     + " | ".join(cells) + " |")
    return lines


def rows_of(rows: pd.DataFrame, point: dict) -> pd.DataFrame:
    """The rows (of ``rows``: the certified ones, or all) of one design and grid point, indexed by snapshot."""
    mine = rows[rows.design == point["design"]]
    for key in KEYS + ["problem.sinr_db"]:
        value = point.get(key)
        mine = mine[mine[key].isna()] if value is None or pd.isna(value) else mine[mine[key] == value]
    return mine.set_index("snapshot")[["comm_ase", "sensing_ase"]]


def above_time_sharing(m: np.ndarray) -> float:
    """Sensing ASE of a middle point minus the time-sharing line through the corners at its comm ASE, from
    (c_mid, s_mid, c_sensing_corner, s_sensing_corner, c_comm_corner, s_comm_corner)."""
    return float(m[1] - m[3] - (m[5] - m[3]) * (m[0] - m[2]) / (m[4] - m[2]))


def excess(df: pd.DataFrame, table: pd.DataFrame, designs: tuple[str, ...], name: str) -> list[str]:
    """Per Nt, every envelope point between the corners: how far its sensing ASE lies above time sharing,
    with a paired 95 % interval (delta method over the snapshots where the three points are certified:
    the corners and the point are on the same networks, so the excess is better resolved than their
    marginal intervals say). Plain means over those snapshots, not the control-variate estimates."""
    lines = [f"| {name}: Nt | envelope point | above time sharing [bit/s/Hz/km^2] | snapshots |", "|---|---|---|---|"]
    ok = df[df.ok]
    drawn = table[table.design.isin(designs) & (table.certified_share >= MIN_CERTIFIED) & (table.ok >= 2)]
    for nt, part in drawn.groupby(KEYS[0]):
        recs = part.to_dict("records")
        front = pareto(part.comm_ase.to_numpy(), part.sensing_ase.to_numpy(), False, False)
        comm, sens = corners(recs, "comm_ase", "sensing_ase")
        for i in front:
            mid = recs[i]
            if mid is comm or mid is sens:
                continue
            v = pd.concat([rows_of(ok, p) for p in (mid, sens, comm)], axis=1, join="inner").to_numpy(float)
            mu = v.mean(axis=0)
            step = 1e-6 * np.maximum(np.abs(mu), 1.0)
            grad = np.array([(above_time_sharing(mu + np.eye(6)[j] * step[j]) -
                              above_time_sharing(mu - np.eye(6)[j] * step[j])) / (2 * step[j]) for j in range(6)])
            influence = (v - mu) @ grad
            half = 1.96 * influence.std(ddof=1) / np.sqrt(len(v))
            target = "" if pd.isna(mid.get("problem.sinr_db")) else f", {mid['problem.sinr_db']:g} dB"
            where = f"{mid['design']} K={mid[KEYS[1]]:g} Q={mid[KEYS[2]]:g}{target}"
            lines.append(f"| {nt:g} | {where} | {above_time_sharing(mu):+.2f} +- {half:.2f} | {len(v)} |")
    return lines


def main(directory: str) -> None:
    with ResultStore(directory) as store:
        df, spec = store.dataframe(), store.spec()
        table = summarise(store)
    max_gap = spec.max_gap
    df = df[[r.snapshot < spec.snapshots_of(r.design) for r in df.itertuples()]]  # what the report counts
    df["db"] = df.design.map(designs_in_db(spec)).fillna(False)
    df["standing"] = [standing(row, max_gap) for row in df.to_dict("records")]
    df["ok"] = df["standing"] == "ok"
    counts = df.standing.value_counts().to_dict()
    print(f"rows by standing (max_gap {max_gap:g}; 'ok' rows enter the tables): {counts}\n")
    lines, widths = marginal(table, {"zf", *OPTIMISED})
    print("\n".join(lines))
    print()
    print("\n".join(paired(df)))
    print()
    print("\n".join(excess(df, table, OPTIMISED, "optimised")))
    print()
    print("\n".join(excess(df, table, ("zf",), "zf")))
    print(f"\nhalf-width / mean: median {100 * np.median(widths):.1f} %, largest {100 * max(widths):.1f} % "
          f"({len(widths)} means of points with at least {MIN_CERTIFIED:.0%} of their snapshots certified)")


if __name__ == "__main__":
    main(sys.argv[1])

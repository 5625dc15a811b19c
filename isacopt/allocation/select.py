"""The network-level choice (SPEC.md section 10): per Nt, service level and weight w, the tuple that
maximises the mean of w ASE_c + (1 - w) ASE_s among the admissible tuples meeting the service
constraints; the Pareto envelope of those tuples and the time-sharing line between the w = 1 and w = 0
choices (SPEC.md section 9).

Where Monte Carlo rows are given, the margin of the choice over the runner-up has a paired interval
(both were evaluated on the same snapshots), which says whether the choice is resolved at all.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..sweep.report import mean_ci, pareto
from .table import meets, weighted


def eligible(table: pd.DataFrame, nt: int, rate: float, radar: float) -> pd.DataFrame:
    """The complete tuples at Nt that meet the service constraints."""
    sub = table[(table["tx_antennas"] == nt) & (table["status"] == "ok")]
    keep = [meets(r, rate, radar) for r in sub.to_dict("records")]
    return sub[keep] if len(sub) else sub


def choices(table: pd.DataFrame, spec, snapshots: dict | None = None) -> pd.DataFrame:
    """One row per (Nt, service level, w): the chosen tuple, its means and intervals, the runner-up and
    the paired 95 % interval of the margin (Monte Carlo only); status ``none_feasible`` when no tuple
    meets the constraints."""
    out = []
    for nt in spec.tx_antennas:
        for level in spec.service:
            cand = eligible(table, nt, level.rate_bps_hz, level.radar_rate_bps_hz)
            for w in spec.weights:
                base = {"tx_antennas": nt, "service": level.name, "rate_bps_hz": level.rate_bps_hz,
                        "radar_rate_bps_hz": level.radar_rate_bps_hz, "weight": w}
                if cand.empty:
                    out.append({**base, "status": "none_feasible"})
                    continue
                score = weighted(cand, w).to_numpy()
                order = np.argsort(-score, kind="stable")
                best = cand.iloc[order[0]]
                row = {**base, "status": "ok", "tuple": int(best["tuple"]), "label": best["label"],
                       "objective": float(score[order[0]]),
                       **{c: best[c] for c in ("comm_ase", "comm_ase_ci95", "sensing_ase", "sensing_ase_ci95",
                                               "mean_rate", "mean_radar_rate")}}
                # tuples with the very same averages are the same design (Q without probed targets, say):
                # they are listed as equivalent, and the runner-up is the best tuple that differs
                same = [i for i in order[1:] if _same(cand.iloc[i], best)]
                if same:
                    row["equivalent"] = "; ".join(cand.iloc[i]["label"] for i in same)
                order = [order[0]] + [i for i in order[1:] if i not in same]
                if len(order) > 1:
                    second = cand.iloc[order[1]]
                    row.update(runner_up=second["label"], margin=float(score[order[0]] - score[order[1]]))
                    if snapshots is not None:
                        a = snapshots.get((nt, int(best["tuple"])))
                        b = snapshots.get((nt, int(second["tuple"])))
                        if a is not None and b is not None and len(a) == len(b):
                            d = weighted(a, w).to_numpy() - weighted(b, w).to_numpy()
                            row["margin_ci95"] = mean_ci(d)[1]
                    if snapshots is not None:
                        a = snapshots.get((nt, int(best["tuple"])))
                        if a is not None:
                            row["objective_ci95"] = mean_ci(weighted(a, w).to_numpy())[1]
                out.append(row)
    return pd.DataFrame(out)


def _same(a, b) -> bool:
    return bool(a["comm_ase"] == b["comm_ase"] and a["sensing_ase"] == b["sensing_ase"]
                and a["mean_rate"] == b["mean_rate"])


def region(table: pd.DataFrame, choice: pd.DataFrame, nt: int, level) -> dict[str, Any]:
    """The Pareto envelope of the eligible tuples, the time-sharing corners (the w = 1 and w = 0 choices)
    and the largest gain of the envelope over the time-sharing line (sensing ASE above the line at the
    same communication ASE, relative)."""
    cand = eligible(table, nt, level.rate_bps_hz, level.radar_rate_bps_hz)
    if cand.empty:
        return {"envelope": pd.DataFrame(), "corners": None, "gain": math.nan, "gain_at": ""}
    pts = cand[["comm_ase", "sensing_ase"]].to_numpy(dtype=float)
    env = cand.iloc[pareto(pts[:, 0], pts[:, 1], False, False)]
    c_best = cand.iloc[int(np.argmax(pts[:, 0]))]
    s_best = cand.iloc[int(np.argmax(pts[:, 1]))]
    corners = ((float(c_best["comm_ase"]), float(c_best["sensing_ase"])),
               (float(s_best["comm_ase"]), float(s_best["sensing_ase"])))
    (c1, s1), (c0, s0) = corners
    gain, at = 0.0, ""
    for r in env.to_dict("records"):
        if c1 == c0 or not (min(c0, c1) <= r["comm_ase"] <= max(c0, c1)):
            continue
        tau = (r["comm_ase"] - c0) / (c1 - c0)
        line = tau * s1 + (1 - tau) * s0
        if line > 0 and r["sensing_ase"] / line - 1 > gain:
            gain, at = r["sensing_ase"] / line - 1, r["label"]
    return {"envelope": env, "corners": corners, "gain": gain, "gain_at": at}

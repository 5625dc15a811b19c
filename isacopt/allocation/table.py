"""Per (Nt, tuple): the averages an allocation compares, with 95 % intervals over snapshots."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..sweep.report import mean_ci, ratio_ci
from .dof import describe, refusal
from .spec import AllocationFile

COLUMNS = ("comm_ase", "sensing_ase", "mean_rate", "mean_radar_rate", "served_fraction", "probed_fraction")


def per_snapshot(rows: list[dict[str, Any]]) -> dict[tuple[int, int], pd.DataFrame]:
    """(Nt, tuple) -> its rows ordered by snapshot, with the per-snapshot ASEs."""
    if not rows:
        return {}
    df = pd.DataFrame(rows)
    ok = df["status"] == "ok"
    df.loc[ok, "comm_ase"] = df.loc[ok, "sum_rate"] / df.loc[ok, "area_km2"]
    df.loc[ok, "sensing_ase"] = df.loc[ok, "sum_radar"] / df.loc[ok, "area_km2"]
    return {key: g.sort_values("snapshot").reset_index(drop=True) for key, g in df.groupby(["tx_antennas", "tuple"])}


def tuple_table(spec: AllocationFile, rows: list[dict[str, Any]], only: frozenset | None = None) -> pd.DataFrame:
    """One row per (Nt, tuple): status (ok, incomplete, dof_refused, or not_run outside ``only``), its reason,
    the snapshots used and every column of COLUMNS with ``_ci95`` (the half-width of the 95 % interval)."""
    groups = per_snapshot(rows)
    tuples = spec.tuples()
    out = []
    for nt in spec.tx_antennas:
        for i, values in enumerate(tuples):
            problem = spec.problem_at(values)
            entry: dict[str, Any] = {"tx_antennas": nt, "tuple": i, "label": describe(values), **values,
                                     "method": "montecarlo"}
            nr = spec.layout.rx_antennas
            why = refusal(problem, nt, nr)
            if only is not None and (nt, i) not in only and not why:
                out.append({**entry, "status": "not_run", "reason": "not picked by the analysis", "snapshots": 0})
                continue
            g = groups.get((nt, i))
            if why or g is None:
                out.append({**entry, "status": "dof_refused", "reason": why or "no snapshot", "snapshots": 0})
                continue
            good = g[g["status"] == "ok"]
            failed = g[g["status"] != "ok"]
            entry.update(status="ok" if failed.empty else "incomplete", snapshots=len(good),
                         reason="" if failed.empty else f"{len(failed)} snapshots {sorted(set(failed['status']))}: "
                         + str(failed["reason"].iloc[0])[:200])
            entry.update(_stats(good))
            out.append(entry)
    return pd.DataFrame(out)


def _stats(g: pd.DataFrame) -> dict[str, float]:
    if g.empty:
        return {f"{c}{s}": math.nan for c in COLUMNS for s in ("", "_ci95")}
    res = {}
    res["comm_ase"], res["comm_ase_ci95"] = mean_ci(g["comm_ase"].to_numpy())
    res["sensing_ase"], res["sensing_ase_ci95"] = mean_ci(g["sensing_ase"].to_numpy())
    for name, num, den in (("mean_rate", "sum_rate", "n_served"), ("mean_radar_rate", "sum_radar", "n_probed"),
                           ("served_fraction", "n_served", "n_users"), ("probed_fraction", "n_probed", "n_targets")):
        res[name], res[f"{name}_ci95"] = ratio_ci(g[num].to_numpy(dtype=float), g[den].to_numpy(dtype=float))
    return res


def weighted(values: pd.DataFrame | dict, w: float) -> Any:
    """w ASE_c + (1 - w) ASE_s."""
    return w * values["comm_ase"] + (1.0 - w) * values["sensing_ase"]


def meets(entry: dict[str, Any], rate: float, radar: float) -> bool:
    """The service constraints on the averages; a tuple that probes no target meets only gamma_s = 0."""
    r = entry.get("mean_rate", math.nan)
    s = entry.get("mean_radar_rate", math.nan)
    ok_c = rate <= 0 or (np.isfinite(r) and r >= rate)
    ok_s = radar <= 0 or (np.isfinite(s) and s >= radar)
    return bool(ok_c and ok_s)

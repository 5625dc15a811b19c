"""Run an allocation: the tuples' table (Monte Carlo, analysis or both), the choices, the files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .montecarlo import run_montecarlo
from .select import choices, region
from .spec import AllocationFile
from .table import per_snapshot, tuple_table


@dataclass
class AllocationResult:
    spec: AllocationFile
    table: pd.DataFrame                  # per (method, Nt, tuple)
    choices: pd.DataFrame                # per (method, Nt, service, w)
    snapshots: dict = field(default_factory=dict)  # Monte Carlo rows per (Nt, tuple), for paired intervals
    wall_s: float = 0.0

    def of(self, method: str) -> pd.DataFrame:
        """The table of one method ('montecarlo' or 'analysis')."""
        return self.table[self.table["method"] == method]


def allocate(spec: AllocationFile, *, method: str | None = None, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> AllocationResult:
    """Evaluate every tuple (``method`` overrides the file's) and choose per Nt, service level and w."""
    t0 = time.perf_counter()
    method = method or spec.method
    tables, picks, snaps = [], [], {}
    only = None
    if method in ("analysis", "both", "confirm"):
        from .analysis import analysis_table

        t = analysis_table(spec, workers=workers)
        tables.append(t)
        picked = choices(t, spec)
        picks.append(picked.assign(method="analysis"))
        if method == "confirm":
            only = confirmed(spec, t, picked)
    if method in ("montecarlo", "both", "confirm"):
        rows = run_montecarlo(spec, workers=workers, progress=progress, only=only)
        snaps = per_snapshot(rows)
        t = tuple_table(spec, rows, only)
        tables.append(t)
        picks.append(choices(t, spec, snaps).assign(method="montecarlo"))
    return AllocationResult(spec, pd.concat(tables, ignore_index=True), pd.concat(picks, ignore_index=True), snaps,
                            time.perf_counter() - t0)


def confirmed(spec: AllocationFile, table: pd.DataFrame, picked: pd.DataFrame) -> frozenset:
    """The (Nt, tuple) pairs the analysis puts on an envelope (any service level) or chooses (any w)."""
    out = {(int(r["tx_antennas"]), int(r["tuple"])) for r in picked.to_dict("records") if r.get("status") == "ok"}
    for nt in spec.tx_antennas:
        for level in spec.service:
            env = region(table, None, nt, level)["envelope"]
            out |= {(nt, int(i)) for i in env.get("tuple", [])}
    return frozenset(out)


def write(result: AllocationResult, out: str | Path, *, figure: bool = True) -> list[Path]:
    """``tuples.csv``, ``choices.csv`` and (``figure``) ``regions.png`` under ``out``; the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "tuples.csv", out / "choices.csv"]
    result.table.to_csv(paths[0], index=False)
    result.choices.to_csv(paths[1], index=False)
    if figure:
        from .figure import region_figure

        paths.append(region_figure(result, out / "regions.png"))
    return paths

"""Run an allocation: the tuples' table (Monte Carlo, analysis or both), the choices, the files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .montecarlo import run_montecarlo
from .select import choices
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
    if method in ("analysis", "both"):
        from .analysis import analysis_table  # noqa: F401 (the model loads scipy special)

        t = analysis_table(spec)
        tables.append(t)
        picks.append(choices(t, spec).assign(method="analysis"))
    if method in ("montecarlo", "both"):
        rows = run_montecarlo(spec, workers=workers, progress=progress)
        snaps = per_snapshot(rows)
        t = tuple_table(spec, rows)
        tables.append(t)
        picks.append(choices(t, spec, snaps).assign(method="montecarlo"))
    return AllocationResult(spec, pd.concat(tables, ignore_index=True), pd.concat(picks, ignore_index=True), snaps,
                            time.perf_counter() - t0)


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

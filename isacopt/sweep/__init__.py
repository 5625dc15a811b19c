"""Network-level Monte Carlo sweeps: sweep files, a resumable SQLite store, local or Dask execution, reports.

>>> spec = load_sweep("problems/sweep-smoke.yaml", quick=True)    # doctest: +SKIP
>>> run_sweep(spec, "results/smoke", workers=2)                    # doctest: +SKIP
>>> summarise("results/smoke")                                     # doctest: +SKIP
"""

from pathlib import Path

from .engine import SweepRun, run_sweep
from .figures import report_figure
from .report import summarise
from .spec import DesignSpec, PlotSpec, SweepFile, load_sweep
from .store import ResultStore
from .tasks import Task, build_tasks, run_task, snapshot_network, snapshot_seed


def load_results(directory: str | Path):
    """Every stored snapshot of the sweep in ``directory`` as a pandas DataFrame (one row per snapshot)."""
    with ResultStore(directory) as store:
        return store.dataframe()


__all__ = ["DesignSpec", "PlotSpec", "ResultStore", "SweepFile", "SweepRun", "Task", "build_tasks", "load_results",
           "load_sweep", "report_figure", "run_sweep", "run_task", "snapshot_network", "snapshot_seed", "summarise"]

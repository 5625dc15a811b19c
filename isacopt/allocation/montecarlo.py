"""Monte Carlo of every tuple on the same snapshots (common random numbers), one snapshot per task.

A task draws snapshot i once per Nt (the same positions for every Nt; the channels depend on Nt), derives
its channels once and evaluates every admissible tuple on it, so tuples are compared on identical
networks and their differences have paired (much narrower) intervals. Tasks run in a process pool.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from typing import Any, Callable

from ..channels.derive import derive_channels
from ..errors import DegreesOfFreedomError, IsacoptError
from ..network.model import Network
from ..sweep.tasks import snapshot_seed
from .dof import refusal
from .snapshot import closed_form_sums, solution_sums
from .spec import AllocationFile


def snapshot_network(spec: AllocationFile, nt: int, seed: int) -> Network:
    """Snapshot ``seed`` of the layout with Nt transmit antennas per BS."""
    layout = spec.layout.model_copy(update={"seed": seed, "tx_antennas": nt})
    channels = spec.channels.model_dump(mode="json")
    if "seed" in channels:
        channels["seed"] = seed
    return layout.generate(name=f"{spec.name}-{seed}", system=spec.system, channels=channels)


@lru_cache(maxsize=4)
def _spec(text: str) -> AllocationFile:
    return AllocationFile.model_validate_json(text)


@lru_cache(maxsize=4096)
def _problem(text: str, index: int):
    spec = _spec(text)
    return spec.problem_at(spec.tuples()[index])


def snapshot_rows(text: str, index: int, only: frozenset | None = None) -> list[dict[str, Any]]:
    """Rows (Nt, tuple, snapshot) of snapshot ``index`` for every admissible tuple of the file ``text``
    (``only``: just these (Nt, tuple index) pairs)."""
    spec = _spec(text)
    seed = snapshot_seed(spec.seed, index)
    rows = []
    for nt in spec.tx_antennas:
        if only is not None and not any(n == nt for n, _ in only):
            continue
        network = snapshot_network(spec, nt, seed)
        nr = network.base_stations[0].rx_antennas if network.n_bs else 1
        channels = derive_channels(network) if spec.design.kind == "baseline" else None
        for i, values in enumerate(spec.tuples()):
            if only is not None and (nt, i) not in only:
                continue
            problem = _problem(text, i)
            if refusal(problem, nt, nr):
                continue
            row: dict[str, Any] = {"tx_antennas": nt, "tuple": i, "snapshot": index, "status": "ok", "reason": "",
                                   "area_km2": network.window.area_km2 if network.window is not None else float("nan")}
            try:
                if channels is not None:
                    row.update(closed_form_sums(problem, network, channels))
                else:
                    sol = problem.solve(network)
                    row.update(solution_sums(network, sol) if sol.ok else {})
                    if not sol.ok:
                        row.update(status=sol.status, reason=sol.reason[:300])
            except DegreesOfFreedomError as err:
                row.update(status="dof_refused", reason=str(err)[:300])
            except IsacoptError as err:
                row.update(status="invalid", reason=str(err)[:300])
            rows.append(row)
    return rows


def run_montecarlo(spec: AllocationFile, *, workers: int | None = None, only: frozenset | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Every row of every snapshot (``workers`` processes; 1 runs in this process; ``only``: just these
    (Nt, tuple index) pairs)."""
    text = spec.model_dump_json()
    workers = workers or os.cpu_count() or 1
    rows: list[dict[str, Any]] = []
    if workers == 1 or spec.snapshots == 1:
        for i in range(spec.snapshots):
            rows += snapshot_rows(text, i, only)
            if progress:
                progress(i + 1, spec.snapshots)
        return rows
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done, part in enumerate(pool.map(snapshot_rows, [text] * spec.snapshots, range(spec.snapshots),
                                             [only] * spec.snapshots,
                                             chunksize=max(1, spec.snapshots // (8 * workers))), start=1):
            rows += part
            if progress:
                progress(done, spec.snapshots)
    return rows

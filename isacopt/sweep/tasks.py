"""One task = one snapshot of one grid point for one design; its seed depends only on (base seed, index).

``run_task`` is a pure function of the sweep file and the task: it is what a local worker
process or a Dask worker executes, and re-running one task alone reproduces its stored row.
Expected outcomes (infeasible, refused for lack of antennas, solver failure, time limit) become
the row's status; an unexpected exception is recorded as status ``error`` with its message, so a
sweep never loses a snapshot silently and never dies for one bad snapshot.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from pydantic import TypeAdapter

from ..errors import DegreesOfFreedomError, IsacoptError, ValidationError
from ..network.model import Network
from .metrics import snapshot_metrics
from ..problems import ProblemSpec
from .spec import DesignSpec, SweepFile, point_models

# status of a row whose snapshot could not even be posed
REFUSED = {DegreesOfFreedomError: "dof_refused", ValidationError: "invalid"}


def snapshot_seed(base_seed: int, index: int) -> int:
    """Seed of snapshot ``index``: independent streams per index, any index computable alone."""
    state = np.random.SeedSequence([base_seed, index]).generate_state(2, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))  # < 2^63, what layouts and channels accept


@dataclass(frozen=True)
class Task:
    design: str
    point: str       # canonical JSON of the grid values that apply to this design
    snapshot: int
    seed: int

    @property
    def key(self) -> str:
        """Unique key ``design|point|snapshot`` (the store's primary key)."""
        return f"{self.design}|{self.point}|{self.snapshot}"

    def as_dict(self) -> dict[str, Any]:
        """The task as a plain dict (what travels to a worker)."""
        return asdict(self)


def canonical(point: dict[str, Any]) -> str:
    return json.dumps(point, sort_keys=True, separators=(",", ":"))


def build_tasks(spec: SweepFile) -> list[Task]:
    """Every task of the sweep, snapshot-major (early snapshots of every point finish first)."""
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for point in spec.points():
        for design in spec.designs:
            item = (design.name, canonical(spec.relevant(design, point)))
            if item not in seen:
                seen.add(item)
                pairs.append(item)
    counts = {d.name: spec.snapshots_of(d.name) for d in spec.designs}
    most = max(counts.values())
    seeds = [snapshot_seed(spec.seed, i) for i in range(most)]
    return [Task(d, p, i, seeds[i]) for i in range(most) for d, p in pairs if i < counts[d]]


def snapshot_network(spec: SweepFile, design: DesignSpec, point: dict[str, Any], seed: int) -> Network:
    """The network of one snapshot: the layout, system and channels of grid point ``point`` for
    ``design``, drawn with the snapshot's ``seed``."""
    layout, system, channels, _ = point_models(spec, design, point, seed)
    return layout.generate(name=f"{spec.name}-{seed}", system=system, channels=channels)


@lru_cache(maxsize=8)
def _spec(text: str) -> SweepFile:
    return SweepFile.model_validate_json(text)


@lru_cache(maxsize=1)
def _problem_adapter() -> TypeAdapter:
    return TypeAdapter(ProblemSpec)  # building it costs about a millisecond: once per process


@lru_cache(maxsize=16)
def _builder(kind_and_options: str):
    """One builder per distinct problem in a worker process: its compile cache then serves every later
    snapshot of the same structure (a re-solve assigns Parameters; the data path is the same as a fresh
    build's, so the row does not depend on what the worker solved before). Few are kept: a builder may
    hold compiled SDPs."""
    return _problem_adapter().validate_json(kind_and_options)


def run_task(spec_data: dict[str, Any], task_data: dict[str, Any]) -> dict[str, Any]:
    """Solve one task and return its row (``wall_s`` is the only field that varies between runs)."""
    t0 = time.perf_counter()
    spec = _spec(json.dumps(spec_data, sort_keys=True))
    task = Task(**task_data)
    _inject_fault(task)
    design = next(d for d in spec.designs if d.name == task.design)
    point = json.loads(task.point)
    row: dict[str, Any] = {"key": task.key, "design": task.design, "point": task.point, "snapshot": task.snapshot,
                           "seed": task.seed, "status": "error", "reason": "", "certified": False,
                           "objective": None, "bound": None}
    try:
        layout, system, channels, problem = point_models(spec, design, point, task.seed)
        problem = _builder(problem.model_dump_json())
        network = layout.generate(name=f"{spec.name}-{task.seed}", system=system, channels=channels)
        row.update(snapshot_metrics(network, None, **_thresholds(spec)))
        solution = problem.solve(network, time_limit_s=spec.time_limit_s)
        row.update(status=solution.status, reason=solution.reason[:500], objective=solution.objective,
                   bound=solution.bound, gap=solution.gap, certified=solution.certified(spec.max_gap))
        row.update(snapshot_metrics(network, solution, **_thresholds(spec)))
    except IsacoptError as err:
        row.update(status=next((s for cls, s in REFUSED.items() if isinstance(err, cls)), "solver_failure"),
                   reason=str(err)[:500])
    except Exception as err:  # noqa: BLE001 - recorded, never dropped; the traceback tail says where
        tail = traceback.format_exception(err)[-3:]
        row.update(status="error", reason=f"{type(err).__name__}: {err} | {''.join(tail)}"[:1000])
    row["wall_s"] = time.perf_counter() - t0
    return row


def _inject_fault(task: Task) -> None:
    """Test hook: ``ISACOPT_FAULT_KILL_SNAPSHOT=i`` makes the worker running snapshot i die abruptly
    (``os._exit``), as a killed or out-of-memory process would; used to test the engine's recovery."""
    victim = os.environ.get("ISACOPT_FAULT_KILL_SNAPSHOT")
    if victim is not None and victim.isdigit() and int(victim) == task.snapshot:
        os._exit(137)


def _thresholds(spec: SweepFile) -> dict[str, float]:
    return {"crlb_threshold_m": spec.metrics.crlb_threshold_m, "sinr_threshold_db": spec.metrics.sinr_threshold_db}


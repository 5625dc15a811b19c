"""The row a sweep stores for a snapshot that produced no solution (a dead worker, a lost result)."""

from __future__ import annotations

from typing import Any

from .tasks import Task


def failed_row(task: Task, status: str, reason: str) -> dict[str, Any]:
    return {"key": task.key, "design": task.design, "point": task.point, "snapshot": task.snapshot, "seed": task.seed,
            "status": status, "reason": reason, "certified": False, "objective": None, "bound": None, "wall_s": 0.0}

"""Snapshots per point from the precision asked for (a sweep's ``precision`` block): rounds of a sweep.

The first round runs ``first`` snapshots of every point of the designs held to the precision (the
others, controls included, their whole count). After each round, a point whose listed metrics all have
a 95 % half-width h within ``relative`` of their mean m stops; another is extended to the count its
widest metric predicts, n (h / (relative |m|))^2 times ``margin`` (half-widths shrink as 1 / sqrt(n)),
at least a tenth more and at most four times n per round (an early interval is itself noisy), and never
beyond the design's snapshot count, the cap. A point no figure would draw (fewer of its snapshots
certified than the figures' ``min_certified``) stops: its interval is not shown. Snapshots are always a
prefix 0..n-1 of the same seeds, so a stopped point's rows are those a fixed count would have given it.

Stopping when the interval is narrow enough is Chow and Robbins' fixed-width sequential interval: its
coverage tends to the nominal level as the width shrinks, and ``first`` keeps the early variance
estimates honest (tests/sweep/test_precision.py measures the coverage on snapshots with a known mean).
"""

from __future__ import annotations

import math

from .spec import SweepFile
from .tasks import Task, build_tasks, canonical

GROWTH_MIN, GROWTH_MAX = 1.1, 4.0  # a round extends a point by at least a tenth, at most to four times


def plan_key(design: str, point: str) -> str:
    return f"{design}|{point}"


def first_plan(spec: SweepFile) -> dict[str, int]:
    """The first round's counts: ``first`` (capped) for every point of the designs held to the precision."""
    assert spec.precision is not None
    held = spec.held_to_precision()
    return {plan_key(d.name, canonical(spec.relevant(d, p))): min(spec.precision.first, spec.snapshots_of(d.name))
            for p in spec.points() for d in spec.designs if d.name in held}


def planned_tasks(spec: SweepFile, plan: dict[str, int]) -> list[Task]:
    """The sweep's tasks within ``plan`` (designs not in it: their whole count), snapshot-major."""
    return [t for t in build_tasks(spec) if t.snapshot < plan.get(plan_key(t.design, t.point), math.inf)]


def predicted_count(n: int, entry: dict, metrics: list[str], relative: float, margin: float) -> int | None:
    """The count at which every metric of ``entry`` (a summary over ``n`` snapshots) should be within
    ``relative``; None when it already is. A metric without a finite mean (the design does not produce it,
    or no snapshot was certified: a point the figures do not draw) is not held; a mean of 0 is met only by
    a half-width of 0."""
    need = 0.0
    for name in metrics:
        m, h = entry.get(name, math.nan), entry.get(f"{name}_ci95", math.nan)
        if not math.isfinite(m):  # no certified snapshot (refused for lack of antennas...): nothing to draw
            continue
        if not math.isfinite(h):
            need = max(need, GROWTH_MAX * n)
        elif h > relative * abs(m):
            need = max(need, n * (h / (relative * abs(m))) ** 2 * margin if m != 0 else GROWTH_MAX * n)
    if need == 0.0:
        return None
    return int(math.ceil(min(max(need, GROWTH_MIN * n), GROWTH_MAX * n) - 1e-9))  # 1.1 * 100 is 110, not 111


def drawn_share(spec: SweepFile, design: str) -> float:
    """The least share of certified snapshots at which one of the report's figures draws a point of
    ``design`` (0 when no figure shows it: every point is then held to the precision)."""
    shares = [p.min_certified for p in spec.report if p.designs is None or design in p.designs]
    return min(shares, default=0.0)


def next_plan(spec: SweepFile, plan: dict[str, int], entries: list[tuple[str, str, dict]]) -> dict[str, int]:
    """The next round's counts from the summary ``entries`` (report.point_entries) of the current one."""
    assert spec.precision is not None
    prec = spec.precision
    out = dict(plan)
    for design, point, entry in entries:
        key = plan_key(design, point)
        if key not in plan:
            continue
        n, cap = plan[key], spec.snapshots_of(design)
        if entry["snapshots"] < n:  # the round did not finish here (interrupted): run it again as planned
            continue
        if entry["certified_share"] < drawn_share(spec, design):  # no figure draws it: no precision to reach
            continue
        want = predicted_count(n, entry, prec.metrics, prec.relative, prec.margin)
        if want is not None:
            out[key] = min(want, cap)
    return out


__all__ = ["drawn_share", "first_plan", "next_plan", "plan_key", "planned_tasks", "predicted_count"]

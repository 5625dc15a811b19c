"""How long a whole sweep takes, from rows drawn at random from all its tasks (not its first snapshots,
which can be lighter than the average: over 300 snapshots of the Fig. 3 study, rows took 1.5-1.9 times
the mean of their first six).

    python benchmarks/study_estimate.py [seed-fig3-optimised] [--rows 120] [--seed 1]
        [--set max-min-sensing-sinr.problem.bisection_tol_db=0.016 ...] [--out estimate.json]

Each design's rows are drawn with ``random.Random(seed)`` and run one by one in this process with
``run_task`` (what a sweep worker runs); the mean row time times the design's task count is its row time,
with a 95 % interval from the spread of the drawn rows. Run it with nothing else on the machine. ``--set``
changes an option of a design's problem first (DESIGN.problem.FIELD=VALUE, VALUE read as YAML), so two
settings can be compared on the same rows.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import statistics

import yaml

from isacopt import catalogue
from isacopt.sweep.spec import load_sweep
from isacopt.sweep.tasks import build_tasks, run_task


def _apply(data: dict, assignment: str) -> None:
    """DESIGN.problem.FIELD=VALUE on the sweep's data (the same rows are drawn, the tasks do not change)."""
    target, _, value = assignment.partition("=")
    design, section, field = target.split(".", 2)
    if section != "problem":
        raise SystemExit(f"--set {assignment!r}: only a design's problem options can be set (DESIGN.problem.FIELD)")
    for d in data["designs"]:
        if d["name"] == design:
            d["problem"][field] = yaml.safe_load(value)
            return
    raise SystemExit(f"--set {assignment!r}: no design {design!r}")


def estimate(sweep: str, rows: int, seed: int, settings: list[str]) -> dict:
    spec = load_sweep(catalogue.find(sweep, "sweep"))
    data = json.loads(spec.model_dump_json())
    for assignment in settings:
        _apply(data, assignment)
    by_design: dict[str, list] = {}
    for task in build_tasks(spec):
        by_design.setdefault(task.design, []).append(task)
    rng = random.Random(seed)
    out = {}
    for design, tasks in by_design.items():
        walls = [run_task(data, t.as_dict())["wall_s"] for t in rng.sample(tasks, min(rows, len(tasks)))]
        mean = statistics.fmean(walls)
        half = 1.96 * statistics.stdev(walls) / math.sqrt(len(walls)) if len(walls) > 1 else math.nan
        out[design] = {"tasks": len(tasks), "drawn": len(walls), "row_s": mean, "row_s_ci95": half,
                       "row_time_h": len(tasks) * mean / 3600}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sweep", nargs="?", default="seed-fig3-optimised")
    ap.add_argument("--rows", type=int, default=120, help="rows drawn per design")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", action="append", default=[], dest="settings", metavar="DESIGN.problem.FIELD=VALUE")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    result = estimate(args.sweep, args.rows, args.seed, args.settings)
    total = 0.0
    for design, r in result.items():
        total += r["row_time_h"]
        print(f"{design:24s} {r['tasks']:7d} rows, {r['row_s'] * 1e3:8.1f} ms per row "
              f"(+- {r['row_s_ci95'] * 1e3:.1f}), row time {r['row_time_h']:.2f} h")
    print(f"row time {total:.2f} h; on two workers about {total / 2:.2f} h")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"sweep": args.sweep, "rows": args.rows, "seed": args.seed, "settings": args.settings,
                       "python": platform.python_version(), "designs": result, "row_time_h": total}, f, indent=1)


if __name__ == "__main__":
    main()

"""A Monte Carlo sweep from Python: run a sweep file, summarise it, draw its figures.

Runs the sweep (its quick size unless --full), resumably: rerun the same command to
continue after an interruption. Prints the per-point averages with 95 % intervals and
writes the report figure.

    python examples/network_sweep.py [problems/sweeps/seed-crlb-scaling.yaml] [--out runs/crlb] [--workers 2] [--full]

The `if __name__ == "__main__":` guard at the bottom is required: sweep workers are
separate processes that start by importing this script again.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from isacopt.sweep import load_sweep, report_figure, run_sweep, summarise


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("sweep", nargs="?", default="problems/sweeps/seed-crlb-scaling.yaml")
    args.add_argument("--out", type=Path, default=Path("runs/crlb"))
    args.add_argument("--workers", type=int, default=2)
    args.add_argument("--snapshots", type=int, default=None, help="override the snapshots per point")
    args.add_argument("--full", action="store_true", help="the full size instead of the quick one")
    opts = args.parse_args(argv)

    spec = load_sweep(opts.sweep, quick=not opts.full)
    if opts.snapshots:
        spec = spec.model_copy(update={"snapshots": opts.snapshots})
    run = run_sweep(spec, opts.out, workers=opts.workers, progress=False)
    print(run.summary())
    table = summarise(opts.out)
    metrics = [c for c in ("comm_ase", "sensing_ase", "mean_rate", "mean_root_crlb", "mean_crlb")
               if c in table and table[c].fillna(0).ne(0).any()]
    keys = [c for c in table.columns if "." in c]
    shown = table[["design", *keys, "ok", *[m for c in metrics for m in (c, c + "_ci95")]]]
    print(shown.round(4).to_string(index=False))
    figure = report_figure(spec, table, opts.out / "report.png")
    print(f"figure written to {figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

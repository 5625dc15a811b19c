"""Time per frame of a tracking run: `python benchmarks/tracking.py [--frames 100] [--out benchmarks/tracking.json]`.

A 100-frame, 7-cell run (isacopt.tracking.instances.hex_scenario: Nt = 6, one user and one vehicle per cell,
max-min beampattern at 10 dB, no margin, no comparison) three ways, on the same frames:
  1. the default: one problem object for the run, so frames of an unchanged structure re-use the compiled
     cvxpy problem (what ``isacopt track`` does);
  2. a fresh problem object every frame (every frame compiles: a script that rebuilds its problem);
  3. relaxation='subspace' (nothing to compile).
And the catalogue scenario two-cell-vehicles (calibrated margins, perfect-CSI comparison) per frame, and
cluster selection on a moving triangle (instances.triangle_scenario, 20 frames): a search every frame
without and with warm start, and re-clustering on trigger.
Speed is never asserted in tests; this is run by hand and the JSON is committed.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import isacopt as iso
from isacopt.tracking import load_scenario, run_tracking
from isacopt.tracking.instances import hex_scenario, triangle_scenario
import isacopt.tracking.design_step as step

ROOT = Path(__file__).resolve().parents[1]


def timed(scenario, frames: int) -> dict:
    t0 = time.perf_counter()
    run = run_tracking(scenario, frames)
    wall = time.perf_counter() - t0
    s = run.summary()
    return {"frames": frames, "wall_s": wall, "ms_per_frame": 1e3 * wall / frames, "solves": s["solves"],
            "recompiles": s["recompiles"], "statuses": sorted({f.status for f in run.frames}),
            "position_rmse_m": s["position_rmse_m"], "search_convex_solves": s["search_convex_solves"],
            "median_root_crlb_m": s["median_root_crlb_m"]}


def fresh_every_frame(scenario, frames: int) -> dict:
    original = step.solve_once

    def rebuilt(problem, network, clustering):  # a new object: its compile cache starts empty
        return original(type(problem).model_validate(problem.model_dump()), network, clustering)

    step.solve_once = rebuilt
    try:
        return timed(scenario, frames)
    finally:
        step.solve_once = original


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=100)
    ap.add_argument("--out", default=str(ROOT / "benchmarks/tracking.json"))
    opts = ap.parse_args()
    n = opts.frames
    # hex_scenario's own relaxation is "sdp" (its compiles are what the tracking tests count); the package
    # default ("auto") takes the subspace path, the hex_7cell_subspace row
    default = timed(hex_scenario(n), n)
    fresh = fresh_every_frame(hex_scenario(n), n)
    subspace = timed(hex_scenario(n, relaxation="subspace"), n)
    vehicles = timed(load_scenario(ROOT / "problems/tracking/two-cell-vehicles.yaml"), min(n, 50))
    clusters = {name: timed(triangle_scenario(20, **kw), 20) for name, kw in (
        ("search_every_frame_cold", {"warm_start": False}), ("search_every_frame_warm", {}),
        ("recluster_on_trigger", {"recluster": "on_trigger"}))}
    out = {"machine": f"{platform.processor() or platform.machine()}, python {platform.python_version()}",
           "isacopt": iso.__version__, "hex_7cell_sdp": default, "hex_7cell_fresh_problem_each_frame": fresh,
           "hex_7cell_subspace": subspace, "two_cell_vehicles_calibrated": vehicles,
           "ratio_fresh_over_sdp": fresh["wall_s"] / default["wall_s"],
           "triangle_cluster_selection": clusters}
    for name in ("hex_7cell_sdp", "hex_7cell_fresh_problem_each_frame", "hex_7cell_subspace",
                 "two_cell_vehicles_calibrated"):
        r = out[name]
        print(f"{name:38s} {r['ms_per_frame']:8.1f} ms/frame  solves {r['solves']:4d}  recompiles {r['recompiles']:4d}")
    for name, r in clusters.items():
        print(f"triangle clusters, {name:26s} {r['ms_per_frame']:8.1f} ms/frame  search convex solves "
              f"{r['search_convex_solves']:4d}  median root CRLB {r['median_root_crlb_m']:.3f} m")
    print(f"re-using compiled problems is {out['ratio_fresh_over_sdp']:.2f}x faster than rebuilding each frame")
    Path(opts.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""The performance harness: `python benchmarks/run.py [--sizes small,paper,large] [--out results.json]`.

Prints a table and writes JSON. Measures, on fixed seeds:
  1. overhead = wall time of solve / Clarabel's own time, first solve and re-solve, per size;
  2. ratio to a plain cvxpy script of the same problem (same optimum checked);
  (1 and 2 for both ways of solving the relaxation: relaxation='sdp' and relaxation='subspace')
  3. time vs number of BSs (1, 3, 7, 13, 19), joint and decomposed, with fitted exponents;
  4. snapshots per second with 1 and 2 worker processes;
  5. closed-form snapshot evaluation against a plain numpy script (companions.py), and the ratios of the
     companion scripts cooperative.py and selection.py (rerun with --all, else read from their JSON).
Each size runs in its own process so that peak memory (ru_maxrss) is per size.
Speed is never asserted in the test suite; this is run by hand (docs/performance.md has the numbers).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import isacopt as iso  # noqa: E402
from cases import SIZES, network  # noqa: E402
from plain_cvxpy import solve_plain  # noqa: E402
from companions import companion_ratios, print_companions, print_snapshots, snapshot_evaluation  # noqa: E402


def problem(**kw):
    return iso.CoordinatedBeamforming(objective="max_min_beampattern", **kw)


def size_case(name: str) -> dict:
    """First solve, re-solve on a new snapshot of the same structure, and the plain script, for one size."""
    spec = SIZES[name]
    subspace = subspace_run(spec)  # first: a child's peak RSS includes its parent's (kept across exec)
    prob = problem(relaxation="sdp")  # the cvxpy path (the default, 'auto', is the subspace path here)
    first = prob.solve(network(**spec, seed=1))
    again = prob.solve(network(**spec, seed=2))
    plain = solve_plain(network(**spec, seed=2))
    unscaled = solve_plain(network(**spec, seed=2), scaled=False)
    fresh_plain_resolve = again.timing.total_s
    out = {
        "size": name, **spec,
        "first": {"status": first.status, "wall_s": first.timing.total_s, "solver_s": first.timing.solver_s,
                  "compile_s": first.timing.compile_s},
        "resolve": {"status": again.status, "wall_s": again.timing.total_s, "solver_s": again.timing.solver_s,
                    "recompiled": again.timing.recompiled, "objective": again.objective},
        "plain": plain,
        "plain_unscaled": unscaled,
        "same_optimum_rel": (abs(again.objective - plain["objective"]) / abs(plain["objective"])
                             if plain["objective"] and again.objective else None),
        "speedup_vs_plain": plain["wall_s"] / fresh_plain_resolve,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    out["first"]["overhead"] = out["first"]["wall_s"] / max(out["first"]["solver_s"], 1e-9)
    out["resolve"]["overhead"] = out["resolve"]["wall_s"] / max(out["resolve"]["solver_s"], 1e-9)
    first, again = subspace["rows"]
    out["subspace"] = {
        "first": first, "resolve": again, "peak_rss_mb": subspace["peak_rss_mb"],
        "same_optimum_rel": (abs(again["objective"] - plain["objective"]) / abs(plain["objective"])
                             if plain["objective"] and again["objective"] else None),
        "speedup_vs_plain": plain["wall_s"] / again["wall_s"]}
    return out


def subspace_run(spec: dict) -> dict:
    """relaxation='subspace' on the same two snapshots, in a child process of its own (its peak memory)."""
    code = ("import json, sys, resource; sys.path.insert(0, 'benchmarks'); import isacopt as iso; "
            "from cases import network; spec = json.loads(sys.argv[1]); "
            "p = iso.CoordinatedBeamforming(objective='max_min_beampattern', relaxation='subspace'); "
            "rows = [p.solve(network(**spec, seed=s)) for s in (1, 2)]; "
            "print(json.dumps({'rows': [dict(status=r.status, wall_s=r.timing.total_s, solver_s=r.timing.solver_s, "
            "objective=r.objective, bound=r.bound, attempt=r.attempts[0]) for r in rows], "
            "'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))")
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], capture_output=True, text=True, check=True,
                       cwd=root)
    got = json.loads(r.stdout.strip().splitlines()[-1])
    for row in got["rows"]:
        row["overhead"] = row["wall_s"] / max(row["solver_s"], 1e-9)
    return got


def scaling_case(decompose: bool, counts=(1, 3, 7, 13, 19)) -> dict:
    """Sensing-only networks (each BS beams at its targets): separable, so decomposition applies."""
    rows = []
    for n in counts:
        net = network(n, 8, 0, 2, seed=3)
        prob = problem(decompose=decompose)
        t = time.perf_counter()
        sol = prob.solve(net)
        rows.append({"n_bs": n, "wall_s": time.perf_counter() - t, "status": sol.status, "objective": sol.objective})
    x, y = np.log([r["n_bs"] for r in rows[1:]]), np.log([r["wall_s"] for r in rows[1:]])
    return {"decompose": decompose, "rows": rows, "exponent": float(np.polyfit(x, y, 1)[0])}


_WORKER_PROBLEM = None


def _sweep_one(seed: int) -> str:
    global _WORKER_PROBLEM
    if _WORKER_PROBLEM is None:
        _WORKER_PROBLEM = problem()  # compile once per worker, re-solve after
    return _WORKER_PROBLEM.solve(network(**SIZES["small"], seed=seed)).status


def sweep_case(workers: int, snapshots: int = 24) -> dict:
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        pool.map(_sweep_one, range(100, 100 + workers))  # warm-up: import and compile in every worker
        t = time.perf_counter()
        statuses = pool.map(_sweep_one, range(snapshots))
        wall = time.perf_counter() - t
    return {"workers": workers, "snapshots": snapshots, "per_s": snapshots / wall,
            "optimal": sum(s == "optimal" for s in statuses)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="small,paper", help="comma list of small, paper, large")
    ap.add_argument("--out", default="benchmarks/results.json")
    ap.add_argument("--quick", action="store_true", help="a smoke run: small size, up to 7 BSs, few snapshots")
    ap.add_argument("--all", action="store_true", help="also rerun cooperative.py and selection.py (~15 min)")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(size_case(args.case)))
        return
    if args.quick:
        args.sizes = "small"
    sizes = []
    for name in args.sizes.split(","):
        r = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True, check=True)
        sizes.append(json.loads(r.stdout.strip().splitlines()[-1]))
    counts = (1, 3, 7) if args.quick else (1, 3, 7, 13, 19)
    scaling = [scaling_case(False, counts), scaling_case(True, counts)]
    n_sweep = 6 if args.quick else 120  # ~4 s per run: shorter runs measured the machine's noise
    sweep = [sweep_case(1, n_sweep), sweep_case(2, n_sweep)]
    snapshots = snapshot_evaluation(5 if args.quick else 30)
    companions = companion_ratios(args.all)
    result = {"machine": {"python": platform.python_version(), "cpus": mp.cpu_count(), "platform": platform.platform()},
              "versions": {"isacopt": iso.__version__}, "sizes": sizes, "scaling": scaling, "sweep": sweep,
              "snapshot_evaluation": snapshots, "companions": companions}
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"{'size':>6} {'first s':>8} {'solver s':>8} {'overh.':>6} {'resolve s':>9} {'solver s':>8} {'overh.':>6} "
          f"{'plain s':>8} {'speedup':>7} {'same opt':>9} {'RSS MB':>7}")
    for s in sizes:
        f, r, p = s["first"], s["resolve"], s["plain"]
        print(f"{s['size']:>6} {f['wall_s']:8.2f} {f['solver_s']:8.2f} {f['overhead']:6.2f} {r['wall_s']:9.2f} "
              f"{r['solver_s']:8.2f} {r['overhead']:6.2f} {p['wall_s']:8.2f} {s['speedup_vs_plain']:7.2f} "
              f"{s['same_optimum_rel'] if s['same_optimum_rel'] is not None else float('nan'):9.1e} {s['peak_rss_mb']:7.0f}")
    print("relaxation='subspace' (Clarabel on the dual LMI form, growing subspaces, certified gap):")
    for s in sizes:
        f, r, p = s["subspace"]["first"], s["subspace"]["resolve"], s["plain"]
        print(f"{s['size']:>6} {f['wall_s']:8.2f} {f['solver_s']:8.2f} {f['overhead']:6.2f} {r['wall_s']:9.2f} "
              f"{r['solver_s']:8.2f} {r['overhead']:6.2f} {p['wall_s']:8.2f} {s['subspace']['speedup_vs_plain']:7.2f} "
              f"{s['subspace']['same_optimum_rel']:9.1e} {s['subspace']['peak_rss_mb']:7.0f}")
    for s in sizes:
        u = s["plain_unscaled"]
        print(f"{s['size']:>6}: plain script without noise normalisation: {u['status']}, objective "
              f"{u['objective']}, worst SINR shortfall {u['worst_sinr_shortfall_db']:.2f} dB")
    for sc in scaling:
        cells = "  ".join(f"{r['n_bs']}:{r['wall_s']:.2f}s" for r in sc["rows"])
        print(f"{'decomposed' if sc['decompose'] else 'joint':>10}: {cells}  exponent {sc['exponent']:.2f}")
    base = sweep[0]["per_s"]
    for sw in sweep:
        print(f"sweep, {sw['workers']} worker(s): {sw['per_s']:.2f} snapshots/s, parallel efficiency "
              f"{sw['per_s'] / (base * sw['workers']):.0%}")
    print_snapshots(snapshots)
    print_companions(companions)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()

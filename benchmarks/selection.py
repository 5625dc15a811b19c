"""Cluster-selection benchmark: `python benchmarks/selection.py [--quick] [--out selection.json]`.

Counts first (no machine dependence): on small instances (three BSs, 6 links, limits that bind)
branch and bound against exhaustive search (same optimum, proven gap, convex solves used), and the
greedy heuristic's gap to the optimum; on the catalogue's 7-cell problem (14 radar links, 16 384
choices: beyond the exhaustive limit) branch and bound's solves and gap and greedy's gap to it.
Then one timing: the default search (each choice on the subspace path, nothing compiled), the cvxpy path
with one problem compiled for every candidate link (choices switched by data) and the cvxpy path compiling
each choice's own problem: wall time and compilations, same optimum.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import isacopt as iso  # noqa: E402
import isacopt.selection.builder as selection_builder  # noqa: E402
from isacopt.studies.instances import triangle_network  # noqa: E402

BASE = iso.CooperativeISAC(objective="min_sum_crlb", rate_bps_hz=1.0, pairs="multistatic")


def run(method: str, network: iso.Network, problem: iso.ClusterSelection | None = None) -> dict:
    problem = problem or iso.ClusterSelection(method=method, candidates=3, base=BASE)
    t = time.perf_counter()
    sol = problem.solve(network)
    q = sol.search
    return {"method": method, "status": sol.status, "objective": sol.objective, "bound": q.best_bound, "gap": q.gap,
            "nodes": q.nodes, "convex_solves": q.convex_solves, "ruled_out": q.infeasible_choices,
            "links": q.links, "wall_s": time.perf_counter() - t}


def relative(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else (a - b) / abs(b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one small instance, no catalogue problem")
    ap.add_argument("--out", default="benchmarks/selection.json")
    args = ap.parse_args()
    seeds = (1,) if args.quick else (1, 2, 3, 4, 5, 6)
    small = []
    for seed in seeds:
        net = triangle_network(seed)
        rows = {m: run(m, net) for m in ("exhaustive", "branch_and_bound", "greedy")}
        small.append({"instance": net.name, **rows,
                      "bnb_vs_exhaustive": relative(rows["branch_and_bound"]["objective"], rows["exhaustive"]["objective"]),
                      "greedy_gap": relative(rows["greedy"]["objective"], rows["exhaustive"]["objective"])})
    catalogue = None
    if not args.quick:
        spec = iso.load_problem(ROOT / "problems/hex-7cell-cluster-selection.yaml")
        net = spec.network()
        bnb = run("branch_and_bound", net, spec.problem)
        greedy = run("greedy", net, spec.problem.model_copy(update={"method": "greedy"}))
        catalogue = {"instance": spec.name, "branch_and_bound": bnb, "greedy": greedy,
                     "greedy_gap": relative(greedy["objective"], bnb["objective"])}
    compile_once = None if args.quick else compile_once_timing()
    Path(args.out).write_text(json.dumps({"small": small, "catalogue": catalogue, "compile_once": compile_once},
                                         indent=2))

    print(f"{'instance':>22} {'links':>5} {'exh. solves':>11} {'B&B solves':>10} {'B&B nodes':>9} {'B&B gap':>8} "
          f"{'B&B - exh.':>10} {'greedy gap':>10}")
    for s in small:
        ex, bb = s["exhaustive"], s["branch_and_bound"]
        print(f"{s['instance']:>22} {bb['links']:5d} {ex['convex_solves']:11d} {bb['convex_solves']:10d} "
              f"{bb['nodes']:9d} {bb['gap']:8.1e} {s['bnb_vs_exhaustive']:10.1e} {_pct(s['greedy_gap']):>10}")
    if catalogue:
        bb = catalogue["branch_and_bound"]
        print(f"{catalogue['instance']:>22} {bb['links']:5d} {'2^' + str(bb['links']):>11} {bb['convex_solves']:10d} "
              f"{bb['nodes']:9d} {bb['gap']:8.1e} {'-':>10} {_pct(catalogue['greedy_gap']):>10}")
    if compile_once:
        c = compile_once
        print(f"default (subspace, nothing compiled): {c['default']['wall_s']:.2f} s; cvxpy compiled once: "
              f"{c['compiled_once']['wall_s']:.2f} s, {c['compiled_once']['compilations']} compilation(s) "
              f"({c['default_ratio']:.1f}x the default); each choice compiled: {c['per_choice']['wall_s']:.2f} s, "
              f"{c['per_choice']['compilations']} compilations ({c['ratio']:.1f}x compiled once); objectives "
              f"{c['same_optimum_rel']:.1e} apart")
    print(f"written to {args.out}")


def compile_once_timing(repeat: int = 3) -> dict:
    """Branch and bound on the catalogue's 7-cell problem, in a fresh search each (nothing cached), median wall
    time of ``repeat``: the default (each choice on the subspace path: nothing compiled), the cvxpy path
    compiled once for every candidate link (``relaxation='sdp'``), and the cvxpy path compiling each choice
    (``COMPILE_ONCE = False``)."""
    spec = iso.load_problem(ROOT / "problems/hex-7cell-cluster-selection.yaml")
    net = spec.network()
    sdp = spec.problem.model_copy(update={"base": spec.problem.base.model_copy(update={"relaxation": "sdp"})})
    out = {}
    for name, flag, search in (("default", True, spec.problem), ("compiled_once", True, sdp),
                               ("per_choice", False, sdp)):
        selection_builder.COMPILE_ONCE = flag
        times, sol, compiled = [], None, 0
        for _ in range(repeat):
            selection_builder.SHARED_CACHES.clear()
            problem = search.model_copy(deep=True)
            t = time.perf_counter()
            sol = problem.solve(net)
            times.append(time.perf_counter() - t)
            compiled = len(problem.builders()[0]._cache)
        out[name] = {"wall_s": sorted(times)[len(times) // 2], "compilations": compiled, "objective": sol.objective,
                     "convex_solves": sol.search.convex_solves, "solver": sol.solver}
    selection_builder.COMPILE_ONCE = True
    out["ratio"] = out["per_choice"]["wall_s"] / out["compiled_once"]["wall_s"]
    out["default_ratio"] = out["compiled_once"]["wall_s"] / out["default"]["wall_s"]
    out["same_optimum_rel"] = max(abs(out[k]["objective"] - out["per_choice"]["objective"])
                                  for k in ("default", "compiled_once")) / out["per_choice"]["objective"]
    return out


def _pct(x: float | None) -> str:
    return "no design" if x is None else f"{100 * x:.2f} %"


if __name__ == "__main__":
    main()

"""CooperativeISAC's CRLB and power objectives (7 cells, CoMP, distributed radar): the default path against
the cvxpy SDP, same process, same snapshots; and, run with another checkout on ``PYTHONPATH``, that code's
default (the issue's "today's cvxpy path" is the code at a3c5103).

    python benchmarks/cooperative.py [--repeat 5] [--out benchmarks/cooperative.json]
    PYTHONPATH=/tmp/old python benchmarks/cooperative.py --paths default --out /tmp/old.json   # another checkout
    python benchmarks/cooperative.py --cases seed-fig4-frontier/max_min_rate-nt8               # one case

First solve: a fresh problem object on the file's snapshot (the cvxpy path compiles). Re-solve: the same
object on new snapshots of the same structure (the channel seed changed), median of ``--repeat``; for the
cvxpy path that assigns Parameters, the default path compiles nothing either way. The optima of the two
paths must agree to 1e-5 where both certify their design (asserted; a max-min rate to the bisection's
``rate_tol``); how many snapshots each path certified is printed and kept."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # another checkout on PYTHONPATH is measured as it is
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import isacopt as iso  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CASES = {"seed-fig4-frontier": {}, "hex-7cell-comp-radar": {},
         "hex-7cell-comp-radar/min_power": {"objective": "min_power"},
         "seed-fig4-frontier/weighted": {"objective": "weighted", "power_weight_m2_per_w": 100.0},
         # max-min rate by bisection, without and with the file's root-CRLB limit (250 m)
         "hex-7cell-comp-backhaul/no-crlb-limit": {"root_crlb_m": None},
         "hex-7cell-comp-backhaul": {"_repeat": 3},
         # the "a 7-cell max-min rate takes 30-40 s": the Fig. 4 cells with 8 antennas per BS
         "seed-fig4-frontier/max_min_rate-nt8": {"objective": "max_min_rate", "rate_bps_hz": None, "_nt": 8,
                                                 "_repeat": 2},
         # an eavesdropper beside every third user: its data at most -5 dB there, at most 2 W of illumination
         "hex-7cell-comp-radar/eavesdroppers": {"_eves": (-5.0, 2.0)},
         # the interference-aware CRLB: a majorise-minimise iteration of SDPs (a local method)
         "hex-7cell-comp-radar/crlb-interference": {"crlb_interference": True},
         # every monostatic receiver's azimuth in the position FIM (an auxiliary scalar and a cone per pair)
         "hex-7cell-comp-radar/angle-information": {"angle_information": True},
         # successive convex approximation (local methods): the energy efficiency by Dinkelbach over it, with
         # the interference-free bound, and the sum rate, at the file's 4 antennas and at 8
         "hex-7cell-energy-efficiency": {"_repeat": 3},
         "hex-7cell-energy-efficiency/max_sum_rate": {"objective": "max_sum_rate", "_repeat": 3},
         "hex-7cell-energy-efficiency/max_sum_rate-nt8": {"objective": "max_sum_rate", "_nt": 8, "_repeat": 2},
         # the sum rate under binding backhaul rate caps (CoMP pairs over 400 Mbit/s)
         "hex-7cell-comp-backhaul/max_sum_rate": {"objective": "max_sum_rate", "_repeat": 2}}


def with_eavesdroppers(net, caps: tuple[float, float] | None):
    """``net`` with an eavesdropper 32 m from every third user, capped at (max_sinr_db, max_beampattern_w)."""
    if caps is None:
        return net
    return net.with_updates(eavesdroppers=[
        {"id": f"e{i}", "position_m": (u.position_m[0] + 25.0, u.position_m[1] - 20.0), "max_sinr_db": caps[0],
         "max_beampattern_w": caps[1]} for i, u in enumerate(net.users[::3])])


def snapshot(spec, seed: int | None, nt: int | None = None):
    """The file's network (``seed``: with that channel seed: same structure, new channels; ``nt``: antennas)."""
    net = spec.network()
    if seed is not None:
        net = net.with_updates(channels=net.channels.model_copy(update={"seed": seed}))
    if nt is not None:
        net = net.with_updates(base_stations=[b.model_copy(update={"tx_antennas": nt}) for b in net.base_stations])
    return net


def measure(spec, update: dict, repeat: int) -> dict:
    update = dict(update)
    nt, repeat, eves = update.pop("_nt", None), update.pop("_repeat", repeat), update.pop("_eves", None)
    problem = spec.problem.model_copy(update=update)
    t = time.perf_counter()
    first = problem.solve(with_eavesdroppers(snapshot(spec, None, nt), eves))
    first_s = time.perf_counter() - t
    times, values, bounds, statuses = [], [], [], []
    for seed in range(101, 101 + repeat):
        net = with_eavesdroppers(snapshot(spec, seed, nt), eves)
        t = time.perf_counter()
        sol = problem.solve(net)
        times.append(time.perf_counter() - t)
        values.append(sol.objective)
        statuses.append(sol.status)
        bounds.append(sol.bound)
    return {"status": first.status, "resolve_statuses": statuses, "solver": first.solver, "objective": first.objective,
            "bound": first.bound,
            "resolve_objectives": values, "resolve_bounds": bounds, "first_s": round(first_s, 4), "resolve_s": round(statistics.median(times), 4)}


def problem_class(spec, change: dict):
    """The objective class of a case (its change may replace the file's objective)."""
    objective = change.get("objective", spec.problem.objective)
    return spec.problem.model_copy(update={"objective": objective}).objective_class


def certified_of(row: dict) -> int:
    """Snapshots of a path's row whose design was certified (optimal, or a local method's local optimum)."""
    return sum(s in ("optimal", "local_optimum") for s in [row["status"], *row["resolve_statuses"]])


def repeat_of(row: dict) -> int:
    """Snapshots of a path's row: the file's and the re-solves'."""
    return 1 + len(row["resolve_statuses"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", default="default,sdp", help="'default' and/or 'sdp' (relaxation='sdp')")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated keys of CASES")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "cooperative.json"))
    args = ap.parse_args()
    rows = {}
    for case in args.cases.split(","):
        change = CASES[case]
        spec = iso.load_problem(ROOT / "problems" / f"{case.split('/')[0]}.yaml")
        out = {path: measure(spec, {**change, **({"relaxation": "sdp"} if path == "sdp" else {})}, args.repeat)
               for path in args.paths.split(",")}
        if len(out) == 2:
            a, b = out["default"], out["sdp"]
            ok = [sa == sb and sa in ("optimal", "local_optimum") for sa, sb in zip([a["status"], *a["resolve_statuses"]],
                                                          [b["status"], *b["resolve_statuses"]])]
            local = change.get("crlb_interference", False)  # a local method: each path's iteration its own way
            pairs = list(zip([a["bound"], *a["resolve_bounds"]], [b["bound"], *b["resolve_bounds"]]) if local else
                         zip([a["objective"], *a["resolve_objectives"]], [b["objective"], *b["resolve_objectives"]]))
            # successive convex approximation: both paths run the same iteration, but a surrogate's optimum
            # solved to 1e-8 on one path and 1e-6 on the other may lead to another stationary point: the
            # relative differences of the local optima are reported (tests/cooperative compares the paths)
            sca = problem_class(spec, change).local and not local
            if sca:
                out["local_optimum_rel_diff"] = [round((x - y) / abs(y), 8) for (x, y), both_ok in zip(pairs, ok)
                                                 if both_ok]
            for x, y, both_ok in zip(*zip(*pairs), ok):
                if not both_ok or sca:  # a design one path could not certify (reported as such) has no optimum
                    continue
                if spec.problem.objective_class.bisection:  # a bisection whose steps the solver leaves open ends
                    # lower than it could: the default path at least as high as the cvxpy path's
                    assert x >= y - spec.problem.rate_tol, (case, x, y)
                else:
                    assert abs(x - y) <= 1e-5 * abs(y), (case, x, y)
            out["first_ratio"] = round(b["first_s"] / a["first_s"], 2)
            out["resolve_ratio"] = round(b["resolve_s"] / a["resolve_s"], 2)
        rows[case] = out
        print(case, " | ".join(f"{p}: {r['solver']} first {r['first_s']:.3f} s, re-solve {r['resolve_s']:.3f} s "
                                f"({certified_of(r)} of {repeat_of(r)} certified)"
                                for p, r in out.items() if isinstance(r, dict)),
              f"| {out.get('first_ratio', '')}x / {out.get('resolve_ratio', '')}x",
              f"| local optima: default vs sdp {out['local_optimum_rel_diff']}" if "local_optimum_rel_diff" in out
              else "",
              flush=True)
    out_path = Path(args.out)
    earlier = json.loads(out_path.read_text())["cases"] if out_path.exists() else {}  # a subset run keeps the rest
    with open(out_path, "w") as f:
        json.dump({"python": platform.python_version(), "machine": platform.machine(), "repeat": args.repeat,
                   "cases": {**earlier, **rows}}, f, indent=1)


if __name__ == "__main__":
    main()

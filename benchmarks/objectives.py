"""Objectives that joined the default (subspace) path later, against the cvxpy SDP, same process, same networks.

    python benchmarks/objectives.py [--objectives weighted,crb-sum,crb-max] [--out benchmarks/objectives.json]

The weighted trade-off (rho = 0.5) and the angle CRB (sum and largest) at the paper size (7 BSs, Nt 8,
3 users and 2 targets per BS) and the large size (19 BSs, Nt 16), SINR targets 6 dB: first solve and
re-solve of each path, their ratio, and the two optima (they must agree)."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import isacopt as iso  # noqa: E402
from benchmarks.cases import network  # noqa: E402

SIZES = {"paper": (7, 8, 3, 2), "large": (19, 16, 3, 2)}
OBJECTIVES = {"weighted": dict(objective="weighted", weight=0.5),
              "crb-sum": dict(objective="min_angle_crb", crb="sum"),
              "crb-max": dict(objective="min_angle_crb", crb="max")}


def timed(problem, net):
    t = time.perf_counter()
    first = problem.solve(net)
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    problem.solve(net)
    return first, t1, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--objectives", default=",".join(OBJECTIVES))
    ap.add_argument("--sizes", default=",".join(SIZES))
    ap.add_argument("--out", default="benchmarks/objectives.json")
    args = ap.parse_args()
    rows = {}
    for name in args.objectives.split(","):
        for label in args.sizes.split(","):
            net = network(*SIZES[label], seed=3)
            net = net.with_updates(users=[u.model_copy(update={"sinr_db": 6.0}) for u in net.users])
            out = {}
            for rel in ("sdp", "auto"):
                sol, first, again = timed(iso.CoordinatedBeamforming(relaxation=rel, **OBJECTIVES[name]), net)
                out[rel] = {"status": sol.status, "solver": sol.solver, "objective": sol.objective,
                            "first_s": round(first, 3), "resolve_s": round(again, 3), "reason": sol.reason[:300]}
            rows[f"{name}/{label}"] = out
            times = (f"sdp {out['sdp']['first_s']:.2f} / {out['sdp']['resolve_s']:.2f} s, default "
                     f"{out['auto']['first_s']:.2f} / {out['auto']['resolve_s']:.2f} s (first / re-solve)")
            if out["sdp"]["objective"] is None:  # the cvxpy SDP may not even compile at the large size
                print(f"{name} {label}: {times}; the SDP path: {out['sdp']['status']} "
                      f"({out['sdp']['reason'][:160]})", flush=True)
                continue
            gap = abs(out["sdp"]["objective"] - out["auto"]["objective"])
            assert gap <= 1e-5 * abs(out["sdp"]["objective"]) + 1e-12, (name, label, out)
            out["same_optimum"] = float(f"{gap / abs(out['sdp']['objective']):.1e}")
            out["first_ratio"] = round(out["sdp"]["first_s"] / out["auto"]["first_s"], 1)
            out["resolve_ratio"] = round(out["sdp"]["resolve_s"] / out["auto"]["resolve_s"], 1)
            print(f"{name} {label}: {times}: {out['first_ratio']}x / {out['resolve_ratio']}x, optima "
                  f"{out['same_optimum']} apart", flush=True)
    with open(args.out, "w") as f:
        json.dump({"python": platform.python_version(), "machine": platform.machine(), "cases": rows}, f, indent=1)


if __name__ == "__main__":
    main()

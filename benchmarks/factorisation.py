"""Clarabel's KKT factorisation: faer on one thread (isacopt's default where it pays) against QDLDL (Clarabel's
own default, what the code used before), same process, same problems.

    python benchmarks/factorisation.py [--out benchmarks/factorisation.json]

Cooperative SDPs through cvxpy (the CRLB objectives of the seed's Fig. 4 setting, CoMP with radar clusters,
CoMP under backhaul limits: 7 cells) and the subspace path at the large size (19 BSs, Nt 16), where the
restricted problems switch to faer above ``FAER_MIN_NNZ`` coefficients. Re-solve times (medians of 3 after a
first solve that compiles) and the two optima, which must agree."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import isacopt as iso  # noqa: E402
import isacopt.solve.restricted as restricted  # noqa: E402
import isacopt.solve.runner as runner  # noqa: E402
from benchmarks.cases import SIZES, network  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COOPERATIVE = ("seed-fig4-frontier", "hex-7cell-comp-radar", "hex-7cell-comp-backhaul")
_real_run = runner.run


def _qdldl_run(problem, attempt, **kw):
    """The cvxpy chain as it was: no faer options on any attempt."""
    return _real_run(problem, replace(attempt, options={k: v for k, v in attempt.options.items()
                                                         if k not in runner.FAER}), **kw)


def resolve_times(problem, net, repeat: int) -> tuple[object, float]:
    sol = problem.solve(net)  # compiles (cvxpy) or warms up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        sol = problem.solve(net)
        times.append(time.perf_counter() - t)
    return sol, statistics.median(times)


def compare(problem, net, repeat: int) -> dict:
    out = {}
    for label in ("qdldl", "default"):
        runner.run = _qdldl_run if label == "qdldl" else _real_run
        restricted_min = restricted.FAER_MIN_NNZ
        if label == "qdldl":
            restricted.FAER_MIN_NNZ = 10**18
        try:
            sol, t = resolve_times(problem, net, repeat)
        finally:
            runner.run, restricted.FAER_MIN_NNZ = _real_run, restricted_min
        out[label] = {"status": str(sol.status), "objective": sol.objective, "resolve_s": round(t, 3)}
    a, b = out["qdldl"]["objective"], out["default"]["objective"]
    out["same_optimum_rel"] = abs(a - b) / max(abs(a), 1e-300)
    out["ratio"] = round(out["qdldl"]["resolve_s"] / out["default"]["resolve_s"], 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/factorisation.json")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = {}
    for name in COOPERATIVE:
        spec = iso.load_problem(ROOT / "problems" / f"{name}.yaml")
        # the cvxpy path, which these rows measure (the CRLB objectives' default is the subspace path now)
        rows[name] = compare(spec.problem.model_copy(update={"relaxation": "sdp"}), spec.network(), args.repeat)
    for seed in (11, 12):
        net = network(**SIZES["large"], seed=seed)
        rows[f"large-subspace-seed{seed}"] = compare(
            iso.CoordinatedBeamforming(objective="max_min_beampattern"), net, 1)
    for name, r in rows.items():
        print(f"{name:28s} QDLDL {r['qdldl']['resolve_s']:7.2f} s  default {r['default']['resolve_s']:7.2f} s  "
              f"{r['ratio']:5.2f}x  same optimum to {r['same_optimum_rel']:.1e}")
    with open(args.out, "w") as f:
        json.dump({"python": platform.python_version(), "machine": platform.machine(), "cases": rows}, f, indent=1)


if __name__ == "__main__":
    main()

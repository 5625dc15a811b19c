"""What `run.py` adds to its own sizes: the closed-form snapshot evaluation against a plain numpy script
(measured here, a few seconds), and the ratios of the companion scripts (`cooperative.py`: CooperativeISAC's
default path against the cvxpy SDP; `selection.py`: a cluster search compiled once against once per choice),
read from their JSON, which ``refresh`` rewrites by running them first (about 15 minutes together)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from network_eval import cases, check_plain, interleaved, plain_applies, warm_up

HERE = Path(__file__).resolve().parent
# the targets for one closed-form snapshot [s]: the large sparse network and the seed's 3 km window
SNAPSHOT_TARGETS = {"250-bs-mrt": 0.050, "seed-window-mrt": 0.005}


def snapshot_evaluation(repeat: int) -> list[dict]:
    """Median wall time of ``solve`` per case (default path), snapshots per second, and the plain numpy
    evaluation of the MRT cases, timed in alternation (its numbers checked against isacopt's to 1e-12)."""
    rows = []
    for name, (net, design) in cases().items():
        warm_up(net, design)
        timing, last = interleaved(net, design, repeat, ("default", "plain") if plain_applies(design) else ("default",))
        median, best = timing["default"]
        row = {"case": name, "n_bs": net.n_bs, "n_users": net.n_users, "n_targets": net.n_targets,
               "default_s": median, "default_best_s": best, "per_s": 1.0 / median,
               "target_s": SNAPSHOT_TARGETS.get(name)}
        if "plain" in timing:
            check_plain(last["default"], last["plain"])
            row.update(plain_numpy_s=timing["plain"][0], plain_over_default=timing["plain"][0] / median)
        rows.append(row)
    return rows


def companion_ratios(refresh: bool) -> dict:
    """The ratios in ``cooperative.json`` and ``selection.json`` (after running the scripts when ``refresh``)."""
    if refresh:
        for script in ("cooperative.py", "selection.py"):
            subprocess.run([sys.executable, str(HERE / script)], check=True, cwd=HERE.parent)
    coop = json.loads((HERE / "cooperative.json").read_text())
    sel = json.loads((HERE / "selection.json").read_text())
    return {
        "cooperative": {case: {"first_ratio": v.get("first_ratio"), "resolve_ratio": v.get("resolve_ratio")}
                        for case, v in coop["cases"].items()},
        "selection": {"default_vs_per_choice": sel["compile_once"]["ratio"] * sel["compile_once"]["default_ratio"]
                      if "default_ratio" in sel["compile_once"] else None,
                      "compiled_once_vs_per_choice": sel["compile_once"]["ratio"],
                      "compilations_per_choice": sel["compile_once"]["per_choice"]["compilations"],
                      "compilations_compiled_once": sel["compile_once"]["compiled_once"]["compilations"]},
        "refreshed": refresh,
    }


def print_snapshots(rows: list[dict]) -> None:
    print("closed-form snapshot evaluation (default path; plain numpy: the same streams, three of the metrics):")
    for r in rows:
        line = (f"  {r['case']:16s} B={r['n_bs']:3d} K={r['n_users']:3d} T={r['n_targets']:3d}  "
                f"{r['default_s'] * 1e3:7.2f} ms ({r['per_s']:6.0f} snapshots/s)")
        if r.get("plain_numpy_s") is not None:
            line += f"  plain numpy {r['plain_numpy_s'] * 1e3:7.2f} ms, plain/default {r['plain_over_default']:.2f}"
        if r["target_s"] is not None:
            met = "met" if r["default_s"] <= r["target_s"] else "NOT met"
            line += f"  target {r['target_s'] * 1e3:.0f} ms: {met}"
        print(line)


def print_companions(c: dict) -> None:
    src = "measured now" if c["refreshed"] else "from the committed JSON; --all reruns them"
    print(f"CooperativeISAC, default path vs the cvxpy SDP ({src}): first solve / re-solve speed-up")
    for case, r in c["cooperative"].items():
        print(f"  {case:44s} {r['first_ratio']:6.2f}x {r['resolve_ratio']:6.2f}x")
    s = c["selection"]
    print(f"cluster search (7 cells, {src}): compiled once {s['compiled_once_vs_per_choice']:.1f}x faster than "
          f"compiling each choice ({s['compilations_compiled_once']} against {s['compilations_per_choice']} "
          f"compilations); the default (subspace) path {s['default_vs_per_choice']:.1f}x")

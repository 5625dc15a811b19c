"""Closed-form network evaluation: what one Monte Carlo snapshot costs, by default and with every
cross-link made up front (what isacopt did before links were made on first read).

    python benchmarks/network_eval.py [--repeat 5] [--out benchmarks/network_eval.json]

Cases: a large sparse snapshot (about 250 BSs, single antenna, MRT, isotropic sensing: the cost of
B^2 cross-links) and seed-size snapshots of Fig. 3/4 (PPP 1 BS, 20 users, 20 targets per km^2 over
3 km x 3 km, Nt = 4, Nr = 5, the Fig. 4 design; with a populated 500 m guard band, about 24 BSs, and
without it, the issue's 9 BSs). Reports the median and best wall time of ``solve`` per
case and the eager / default ratio; the results of the two paths must agree (checked here to 1e-12). The
MRT cases are also evaluated by a plain numpy script written from SPEC.md (benchmarks/plain_numpy.py, the
same random streams, fewer metrics): its time, and its numbers checked against isacopt's to 1e-12. The paths
take turns in blocks of ten solves (``interleaved``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import statistics
import time
from contextlib import contextmanager

import numpy as np

import sys
from pathlib import Path

import isacopt as iso
import isacopt.channels.derive as derive
from isacopt.channels.crosslink import crosslink_channels
from isacopt.network.layouts import PoissonLayout

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain_numpy import evaluate_network  # noqa: E402

FIG4 = dict(precoder="rzf", data_power="gain", users_per_bs=2, targets_per_bs=1, sensing="directional",
            sensing_streams="dedicated", project_sensing=False, sensing_waveform="orthogonal",
            crlb_interference=True, angle_information=True, joint_cluster=2, radar_cluster=3, pairs="multistatic",
            clamp_clusters=True)


def cases() -> dict[str, tuple[iso.Network, iso.BaselineDesign]]:
    big = PoissonLayout(seed=1, window_m=10000, guard_m=3000, bs_per_km2=1.0, users_per_km2=0.05,
                        targets_per_km2=0.03, tx_antennas=1, rx_antennas=1)
    seed = PoissonLayout(seed=4, window_m=3000, guard_m=500, bs_per_km2=1.0, users_per_km2=20, targets_per_km2=20,
                         tx_antennas=4, rx_antennas=5, backhaul_bps=1e9)
    rician = {"model": "rician", "k_factor": 5, "seed": 4}
    # the seed size exactly: the 3 km window alone (no guard band), 9 BSs, 173 users, 178 targets
    nine = PoissonLayout(seed=1, window_m=3000, guard_m=0, bs_per_km2=1.0, users_per_km2=20, targets_per_km2=20,
                         tx_antennas=4, rx_antennas=5, backhaul_bps=1e9)
    return {
        "250-bs-mrt": (big.generate(channels={"model": "rayleigh", "seed": 1}),
                       iso.BaselineDesign(precoder="mrt", sensing="isotropic")),
        "seed-size-mrt": (seed.generate(channels=rician),
                          iso.BaselineDesign(precoder="mrt", sensing="isotropic", users_per_bs=2, targets_per_bs=1)),
        "seed-size-fig4": (seed.generate(channels=rician), iso.BaselineDesign(**FIG4)),
        "seed-window-mrt": (nine.generate(channels={**rician, "seed": 1}),
                            iso.BaselineDesign(precoder="mrt", sensing="isotropic", users_per_bs=2, targets_per_bs=1)),
    }


@contextmanager
def eager_crosslinks():
    """Every cross-link made when the channels are derived (nested tuples), as before."""
    def eager(network):
        lazy = crosslink_channels(network)
        return tuple(tuple(lazy[b][j] for j in range(network.n_bs)) for b in range(network.n_bs))
    derive.crosslink_channels, saved = eager, derive.crosslink_channels
    try:
        yield
    finally:
        derive.crosslink_channels = saved


def interleaved(network, design, repeat: int, paths: tuple[str, ...] = ("default", "eager", "plain"), block: int = 10):
    """Median and best wall time of each path over ``repeat`` solves, and each path's last result: ``default``
    (isacopt's solve), ``eager`` (every cross-link made up front), ``plain`` (the plain numpy script). The paths
    take turns in blocks of ``block`` consecutive solves after one untimed: a burst of the VM's other guests (a
    1.3-1.6x slower phase can last minutes here) then slows every path alike, and each block runs with its own
    code and data warm, as a Monte Carlo loop does (one solve per turn measured each path cold: 20-30 % slower
    at the seed size)."""
    times: dict[str, list[float]] = {p: [] for p in paths}
    last = {}
    for start in range(0, repeat, block):
        for path in paths:
            with eager_crosslinks() if path == "eager" else contextlib.nullcontext():
                for i in range(min(block, repeat - start) + 1):  # the first of a turn warms up, untimed
                    t = time.perf_counter()
                    last[path] = evaluate_network(network, design) if path == "plain" else design.solve(network)
                    if i:
                        times[path].append(time.perf_counter() - t)
    return {p: (statistics.median(v), min(v)) for p, v in times.items()}, last


def warm_up(network, design, seconds: float = 1.0) -> None:
    """Solve for about ``seconds`` before timing: the first hundred or so solves of a process run 5-10 % slower
    than the steady state a Monte Carlo loop sees (measured at the seed size: 4.6-4.8 ms, then 4.2)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        design.solve(network)


def check_plain(sol, ref) -> None:
    """The plain numpy script's user SINRs, beampattern gains and sensing SINRs must be isacopt's to 1e-12."""
    got = {"sinr": [10 ** (u.sinr_db / 10) for u in sol.users],
           "beampattern": [t.beampattern_gain_w for t in sol.targets],
           "sensing_sinr": [10 ** (t.sensing_sinr_db / 10) for t in sol.targets]}
    for key, x in got.items():
        assert np.allclose(x, ref[key], rtol=1e-12, atol=0), key


def plain_applies(design) -> bool:
    """The plain script evaluates MRT with isotropic sensing only."""
    return design.precoder == "mrt" and design.sensing == "isotropic"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default="benchmarks/network_eval.json")
    args = ap.parse_args()
    rows = {}
    for name, (net, design) in cases().items():
        warm_up(net, design)
        paths = ("default", "eager", "plain") if plain_applies(design) else ("default", "eager")
        timing, last = interleaved(net, design, args.repeat, paths)
        (fast, best), (slow, _) = timing["default"], timing["eager"]
        a, b = last["default"], last["eager"]
        for part, field in (("users", "sinr_db"), ("users", "rate_bps_hz"), ("targets", "sensing_sinr_db"),
                            ("targets", "root_crlb_m")):
            x, y = ([getattr(r, field) for r in getattr(s, part)] for s in (a, b))
            assert np.allclose(x, y, rtol=1e-12, atol=0, equal_nan=True), (name, field)
        rows[name] = {"n_bs": net.n_bs, "n_users": net.n_users, "n_targets": net.n_targets,
                      "default_s": round(fast, 4), "default_best_s": round(best, 4), "eager_crosslinks_s": round(slow, 4),
                      "ratio": round(slow / fast, 1)}
        line = (f"{name:16s} B={net.n_bs:3d} K={net.n_users:3d} T={net.n_targets:3d}  default {fast * 1e3:8.1f} ms"
                f" (best {best * 1e3:6.1f})  eager links {slow * 1e3:8.1f} ms  ratio {slow / fast:5.1f}")
        if "plain" in timing:
            check_plain(a, last["plain"])
            plain, plain_best = timing["plain"]
            rows[name].update(plain_numpy_s=round(plain, 4), plain_numpy_best_s=round(plain_best, 4),
                              plain_over_default=round(plain / fast, 2))
            line += f"  plain numpy {plain * 1e3:7.1f} ms (best {plain_best * 1e3:6.1f}, plain/default {plain / fast:4.2f})"
        print(line)
    with open(args.out, "w") as f:
        json.dump({"python": platform.python_version(), "machine": platform.machine(), "repeat": args.repeat,
                   "interleaved": True, "cases": rows}, f, indent=1)


if __name__ == "__main__":
    main()

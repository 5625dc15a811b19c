"""Closed-form network evaluation: what one Monte Carlo snapshot costs, by default and with every
cross-link made up front (what isacopt did before links were made on first read).

    python benchmarks/network_eval.py [--repeat 5] [--out benchmarks/network_eval.json]

Cases: a large sparse snapshot (about 250 BSs, single antenna, MRT, isotropic sensing: the cost of
B^2 cross-links) and seed-size snapshots of Fig. 3/4 (PPP 1 BS, 20 users, 20 targets per km^2 over
3 km x 3 km, Nt = 4, Nr = 5, the Fig. 4 design). Reports the median wall time of ``solve`` per case
and the eager / default ratio; the results of the two paths must agree (checked here to 1e-12).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from contextlib import contextmanager

import numpy as np

import isacopt as iso
import isacopt.channels.derive as derive
from isacopt.channels.crosslink import crosslink_channels
from isacopt.network.layouts import PoissonLayout

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
    return {
        "250-bs-mrt": (big.generate(channels={"model": "rayleigh", "seed": 1}),
                       iso.BaselineDesign(precoder="mrt", sensing="isotropic")),
        "seed-size-mrt": (seed.generate(channels=rician),
                          iso.BaselineDesign(precoder="mrt", sensing="isotropic", users_per_bs=2, targets_per_bs=1)),
        "seed-size-fig4": (seed.generate(channels=rician), iso.BaselineDesign(**FIG4)),
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


def timed(network, design, repeat: int):
    times, sol = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        sol = design.solve(network)
        times.append(time.perf_counter() - t)
    return statistics.median(times), sol


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default="benchmarks/network_eval.json")
    args = ap.parse_args()
    rows = {}
    for name, (net, design) in cases().items():
        design.solve(net)  # imports, caches
        fast, a = timed(net, design, args.repeat)
        with eager_crosslinks():
            slow, b = timed(net, design, args.repeat)
        for part, field in (("users", "sinr_db"), ("users", "rate_bps_hz"), ("targets", "sensing_sinr_db"),
                            ("targets", "root_crlb_m")):
            x, y = ([getattr(r, field) for r in getattr(s, part)] for s in (a, b))
            assert np.allclose(x, y, rtol=1e-12, atol=0, equal_nan=True), (name, field)
        rows[name] = {"n_bs": net.n_bs, "n_users": net.n_users, "n_targets": net.n_targets,
                      "default_s": round(fast, 4), "eager_crosslinks_s": round(slow, 4),
                      "ratio": round(slow / fast, 1)}
        print(f"{name:16s} B={net.n_bs:3d} K={net.n_users:3d} T={net.n_targets:3d}  default {fast * 1e3:8.1f} ms"
              f"  eager links {slow * 1e3:8.1f} ms  ratio {slow / fast:5.1f}")
    with open(args.out, "w") as f:
        json.dump({"python": platform.python_version(), "machine": platform.machine(), "repeat": args.repeat,
                   "cases": rows}, f, indent=1)


if __name__ == "__main__":
    main()

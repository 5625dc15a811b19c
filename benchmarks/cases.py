"""Benchmark instances on fixed seeds: hexagonal sites, Rayleigh channels, users and targets per BS."""

from __future__ import annotations

import numpy as np

import isacopt as iso
from isacopt.network.layouts import hex_grid

SIZES = {
    "small": dict(n_bs=3, nt=4, users=2, targets=1),
    "paper": dict(n_bs=7, nt=8, users=3, targets=2),
    "large": dict(n_bs=19, nt=16, users=4, targets=2),
}


def network(n_bs: int, nt: int, users: int, targets: int, seed: int = 0, isd_m: float = 400.0,
            sinr_db: float | None = 3.0) -> iso.Network:
    """BSs on the first n_bs sites of a hexagonal grid; users and targets in a 60-180 m ring around each."""
    rng = np.random.default_rng(seed)
    sites = hex_grid(3, isd_m)[:n_bs]
    bss = [{"id": f"bs{b}", "position_m": tuple(map(float, s)), "tx_antennas": nt, "rx_antennas": 4,
            "power_w": 1.0} for b, s in enumerate(sites)]

    def ring(s, n, prefix, count):
        r, a = rng.uniform(60, 180, n), rng.uniform(0, 2 * np.pi, n)
        return [(f"{prefix}{count + i}", (float(s[0] + r[i] * np.cos(a[i])), float(s[1] + r[i] * np.sin(a[i]))))
                for i in range(n)]

    us, ts = [], []
    for s in sites:
        us += ring(s, users, "u", len(us))
        ts += ring(s, targets, "t", len(ts))
    return iso.Network(base_stations=bss, users=[{"id": i, "position_m": p, "sinr_db": sinr_db} for i, p in us],
                      targets=[{"id": i, "position_m": p} for i, p in ts],
                      channels={"model": "rayleigh", "seed": seed})

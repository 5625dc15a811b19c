"""Small reproducible networks for teaching, tests and benchmarks."""

from __future__ import annotations

import numpy as np

from ..network.model import Network


def triangle_network(seed: int, *, users: int = 1, targets: int = 2, backhaul_bps: float | None = 8e9,
                     isd_m: float = 1000.0, tx_antennas: int = 4) -> Network:
    """Three BSs on an equilateral triangle (side ``isd_m``), users and targets dropped inside it.

    Positions are Dirichlet(2, 2, 2) mixtures of the corners (away from the edges), channels Rician
    with K = 5, all seeded by ``seed``; 1 W, Nr = 5, path-loss exponent 2. With the default 8 Gbit/s
    of backhaul a BS can forward the raw echoes (6 Gbit/s) of one target only: a small cluster
    selection instance whose limits bind.
    """
    rng = np.random.default_rng(seed)
    corners = np.array([[0.0, 0.0], [isd_m, 0.0], [isd_m / 2, isd_m * np.sqrt(3) / 2]])

    def drop(n: int) -> list[tuple[float, float]]:
        w = rng.dirichlet([2.0, 2.0, 2.0], size=n)
        return [(float(x), float(y)) for x, y in w @ corners]

    return Network(
        name=f"triangle-{seed}", system={"pathloss_exponent": 2.0},
        channels={"model": "rician", "k_factor": 5, "seed": seed},
        base_stations=[{"id": f"b{i}", "position_m": (float(c[0]), float(c[1])), "tx_antennas": tx_antennas,
                        "rx_antennas": 5, "power_w": 1.0, "backhaul_bps": backhaul_bps} for i, c in enumerate(corners)],
        users=[{"id": f"u{k}", "position_m": p} for k, p in enumerate(drop(users))],
        targets=[{"id": f"t{t}", "position_m": p} for t, p in enumerate(drop(targets))])

"""Scenario instances shared by the tests, the benchmark and the docs."""

from __future__ import annotations

import numpy as np

from ..network.model import Network
from ..studies.instances import triangle_network
from .scenario import TrackingScenario


def hex_scenario(frames: int = 100, *, tx_antennas: int = 6, seed: int = 3, relaxation: str = "sdp",
                 **tracking) -> TrackingScenario:
    """Seven hexagonal cells (500 m), one walking user (<= 1.5 m/s) and one vehicle (<= 10 m/s) per cell,
    line of sight; each frame maximises the worst target's beampattern with every user at 10 dB (the cvxpy
    SDP by default, whose compiles the tests count; ``relaxation="subspace"`` compiles nothing).
    ``tracking`` overrides the options (default: 0.1 s frames, no margin, no perfect-CSI comparison)."""
    net = Network.hexagonal(rings=1, isd_m=500, users_per_cell=1, targets_per_cell=1, seed=seed,
                            tx_antennas=tx_antennas, rx_antennas=4, power_w=1.0)
    rng = np.random.default_rng(0)
    movers = [{"id": u.id, "kind": "user", "position_m": u.position_m,
               "velocity_mps": tuple(rng.uniform(-1.5, 1.5, 2)), "accel_std_mps2": 0.2} for u in net.users]
    movers += [{"id": t.id, "kind": "target", "position_m": t.position_m,
                "velocity_mps": tuple(rng.uniform(-10, 10, 2)), "accel_std_mps2": 0.5} for t in net.targets]
    options = {"frame_s": 0.1, "frames": frames, "margin": "none", "compare": False, **tracking}
    return TrackingScenario.model_validate(dict(
        name="hex-7cell-tracking", channels={"model": "los"},
        base_stations=[b.model_dump() for b in net.base_stations], movers=movers,
        problem={"kind": "coordinated_beamforming", "objective": "max_min_beampattern", "sinr_db": 10,
                 "relaxation": relaxation},
        tracking=options))


def triangle_scenario(frames: int = 20, *, seed: int = 2, **tracking) -> TrackingScenario:
    """Three BSs on a 1 km triangle with 8 Gbit/s of backhaul each (``triangle_network``), a user walking and
    two vehicles driving; every frame re-chooses the CoMP and radar links by branch and bound (min sum CRLB
    at 1 bit/s/Hz), and the chosen radar clusters measure the targets."""
    net = triangle_network(seed)
    movers = [{"id": u.id, "kind": "user", "position_m": u.position_m, "velocity_mps": (2.0, 1.0)} for u in net.users]
    movers += [{"id": t.id, "kind": "target", "position_m": t.position_m, "velocity_mps": v}
               for t, v in zip(net.targets, [(-15.0, 9.0), (12.0, 10.0)])]
    options = {"frame_s": 0.5, "frames": frames, "margin": "none", "compare": False, "listeners": "design", **tracking}
    return TrackingScenario.model_validate(dict(
        name="triangle-clusters", system=net.system.model_dump(), channels={"model": "rician", "k_factor": 5},
        base_stations=[b.model_dump() for b in net.base_stations], movers=movers,
        problem={"kind": "cluster_selection", "candidates": 3,
                 "base": {"objective": "min_sum_crlb", "rate_bps_hz": 1.0, "pairs": "multistatic"}},
        tracking=options))

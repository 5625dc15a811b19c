"""Test helpers: small networks and random designs."""

from __future__ import annotations

import numpy as np

import isacopt as io


def two_cell_network(channels: dict | None = None, **system) -> io.Network:
    """Two BSs 400 m apart, two users each, one target each."""
    return io.Network(
        name="two-cell",
        system=io.SystemParams(**system),
        channels=channels or {"model": "los"},
        base_stations=[
            {"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 3, "power_w": 1.0},
            {"id": "b", "position_m": (400, 0), "tx_antennas": 4, "rx_antennas": 3, "power_w": 2.0,
             "orientation_deg": 30},
        ],
        users=[
            {"id": "u0", "position_m": (50, 60), "receiver": "type1"},
            {"id": "u1", "position_m": (-40, 90), "receiver": "type2"},
            {"id": "u2", "position_m": (420, -70), "receiver": "type1"},
            {"id": "u3", "position_m": (380, 100), "receiver": "type1"},
        ],
        targets=[{"id": "t0", "position_m": (120, -80), "rcs_m2": 2.0},
                 {"id": "t1", "position_m": (330, 150)}],
        window={"lower_m": (-200, -200), "upper_m": (600, 200)},
    )


def random_design(network: io.Network, rng: np.random.Generator, scale: float = 0.1) -> "io.design.TransmitDesign":
    from isacopt.design import TransmitDesign

    beams, covs = [], []
    for bs in network.base_stations:
        nt = bs.tx_antennas
        beams.append(scale * (rng.standard_normal((nt, network.n_users)) + 1j * rng.standard_normal((nt, network.n_users))))
        f = scale * (rng.standard_normal((nt, 2)) + 1j * rng.standard_normal((nt, 2)))
        covs.append(f @ f.conj().T)
    return TransmitDesign.from_arrays(network, beams, covs)

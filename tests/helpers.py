"""Test helpers: small networks and random designs."""

from __future__ import annotations

import numpy as np

import isacopt as iso


def two_cell_network(channels: dict | None = None, **system) -> iso.Network:
    """Two BSs 400 m apart, two users each, one target each."""
    return iso.Network(
        name="two-cell",
        system=iso.SystemParams(**system),
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


def random_design(network: iso.Network, rng: np.random.Generator, scale: float = 0.1) -> "iso.design.TransmitDesign":
    from isacopt.design import TransmitDesign

    beams, covs = [], []
    for bs in network.base_stations:
        nt = bs.tx_antennas
        beams.append(scale * (rng.standard_normal((nt, network.n_users)) + 1j * rng.standard_normal((nt, network.n_users))))
        f = scale * (rng.standard_normal((nt, 2)) + 1j * rng.standard_normal((nt, 2)))
        covs.append(f @ f.conj().T)
    return TransmitDesign.from_arrays(network, beams, covs)


def small_multicell(seed: int = 0, *, n_bs: int = 3, nt: int = 4, users_per_bs: int = 2, targets_per_bs: int = 1,
                    channels: dict | None = None, sinr_db: float | None = 5.0, **bs_extra) -> iso.Network:
    """BSs on a line 300 m apart with users and targets dropped near each (seeded)."""
    rng = np.random.default_rng(seed)
    bss = [{"id": f"bs{b}", "position_m": (300.0 * b, 0.0), "tx_antennas": nt, "rx_antennas": 4, "power_w": 1.0,
            **bs_extra} for b in range(n_bs)]
    users, targets = [], []
    for b in range(n_bs):
        for i in range(users_per_bs):
            r, a = rng.uniform(40, 140), rng.uniform(0, 2 * np.pi)
            users.append({"id": f"u{len(users)}", "position_m": (300.0 * b + r * np.cos(a), r * np.sin(a)),
                          "sinr_db": sinr_db})
        for i in range(targets_per_bs):
            r, a = rng.uniform(60, 140), rng.uniform(0.2, np.pi - 0.2)
            targets.append({"id": f"t{len(targets)}", "position_m": (300.0 * b + r * np.cos(a), r * np.sin(a))})
    return iso.Network(base_stations=bss, users=users, targets=targets,
                      channels=channels or {"model": "rayleigh", "seed": seed})


# CoMP pairs with capped backhaul, no SINR targets: the energy and sum-rate SCA searches' small case (their
# surrogates' backhaul rows, the tangent Parameters, are then in the problem too)
SCA_OPTS = dict(comm_cluster=2, sensing_cluster=1, pairs="fusion", joint_transmission="non_coherent")


def with_tx_antennas(network: iso.Network, b: int, nt: int) -> iso.Network:
    """``network`` with BS b's transmit array resized to ``nt`` (unequal arrays: the metrics' per-BS paths)."""
    data = network.model_dump()
    data["base_stations"][b]["tx_antennas"] = nt
    return iso.Network.model_validate(data)


def sca_network(seed: int) -> iso.Network:
    """Three BSs, one user and one target each, 150 Mbit/s backhaul, 1 W circuit power (see ``SCA_OPTS``)."""
    return small_multicell(seed, n_bs=3, nt=4, users_per_bs=1, targets_per_bs=1, sinr_db=None, backhaul_bps=150e6,
                           circuit_power_w=1.0)


def one_bs(nt: int = 8, users=(), targets=((150.0, 60.0),), channels: dict | None = None, power_w: float = 1.0,
           sinr_db: float | None = 10.0) -> iso.Network:
    return iso.Network(
        base_stations=[{"id": "bs0", "position_m": (0, 0), "tx_antennas": nt, "rx_antennas": 4, "power_w": power_w}],
        users=[{"id": f"u{k}", "position_m": p, "sinr_db": sinr_db} for k, p in enumerate(users)],
        targets=[{"id": f"t{t}", "position_m": p} for t, p in enumerate(targets)],
        channels=channels or {"model": "los"})


def corrupted(valid: dict, path: tuple, value) -> dict:
    """A deep copy of ``valid`` with the entry at ``path`` (keys and indices) replaced by ``value``."""
    import copy

    data = copy.deepcopy(valid)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data

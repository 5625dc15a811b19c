"""BS-to-BS cross-link channels G_{b<-j} in C^{Nr_b x Nt_j} (SPEC.md section 2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..network.layouts import rng_for
from ..network.model import Network
from .arrays import azimuth, steering
from .comm import _cn, check_array
from .pathloss import path_gain

_STREAM_CROSS = 20

CrossLinks = tuple[tuple[NDArray[np.complex128] | None, ...], ...]


def crosslink_channels(network: Network) -> CrossLinks:
    """``G[b][j]``: what BS j's transmitter leaks into BS b's receive array; ``None`` for b == j."""
    spec = network.channels
    given = spec.crosslink_array if spec.model == "explicit" else None
    if given is not None:
        return _explicit(network, given)
    seed = getattr(spec, "seed", 0)
    out = []
    for b, rx in enumerate(network.base_stations):
        row: list[NDArray[np.complex128] | None] = []
        for j, tx in enumerate(network.base_stations):
            if b == j:
                row.append(None)
                continue
            d = float(np.hypot(*np.subtract(rx.position_m, tx.position_m)))
            amp = float(np.sqrt(path_gain(d, network.system)))
            if spec.crosslink == "los":
                a_r = steering(rx.rx_antennas, azimuth(rx.position_m, tx.position_m), np.deg2rad(rx.orientation_deg))
                a_t = steering(tx.tx_antennas, azimuth(tx.position_m, rx.position_m), np.deg2rad(tx.orientation_deg))
                row.append(amp * np.outer(a_r, a_t.conj()))
            else:
                row.append(amp * _cn(rng_for(seed, _STREAM_CROSS, b, j), (rx.rx_antennas, tx.tx_antennas)))
        out.append(tuple(row))
    return tuple(out)


def _explicit(network: Network, arr: object) -> CrossLinks:
    if not network.uniform_antennas:
        raise ValidationError([("channels.crosslink", "an explicit cross-link array needs equal Nt and Nr at every BS")])
    bs0 = network.base_stations[0]
    a = check_array("channels.crosslink", arr, (network.n_bs, network.n_bs, bs0.rx_antennas, bs0.tx_antennas),
                    "n_bs receiving, n_bs transmitting, Nr, Nt")
    return tuple(tuple(None if b == j else a[b, j] for j in range(network.n_bs)) for b in range(network.n_bs))

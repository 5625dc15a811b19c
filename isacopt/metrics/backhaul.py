"""Backhaul and signalling load per BS (SPEC.md section 7)."""

from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
from numpy.typing import NDArray

from ..association import Association
from ..network.model import Network

SensingLevel = Literal["none", "data", "signal"]


def joint_transmission_rates(network: Network, achieved_bps_hz: Sequence[float]) -> NDArray[np.float64]:
    """Rate each user's data is shared at: its SINR target's rate, else the achieved rate [bit/s/Hz]."""
    target_db = network.sinr_targets_db  # NaN: none
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(target_db), np.asarray(achieved_bps_hz, dtype=float),
                        np.log2(1.0 + 10.0 ** (target_db / 10.0)))


def backhaul_load(network: Network, association: Association, rates_bps_hz: Sequence[float],
                  sensing_level: SensingLevel | Sequence[SensingLevel] = "none") -> NDArray[np.float64]:
    """(B,): load of every BS [bit/s].

    - Joint transmission: every BS of C_k but its head receives user k's data, ``B r_k``.
    - Sensing cooperation: every BS of Q_t but its fusion head forwards ``D_raw = 2 b_adc Nr B``
      (``signal``: raw echoes) or ``D_est`` (``data``: estimates at the update rate); one level for
      every target, or one per target.
    """
    s = network.system
    load = np.zeros(network.n_bs)
    for k, cluster in enumerate(association.serving):
        for b in cluster[1:]:
            load[b] += s.bandwidth_hz * float(rates_bps_hz[k])
    levels = [sensing_level] * len(association.sensing) if isinstance(sensing_level, str) else list(sensing_level)
    for level, cluster in zip(levels, association.sensing):
        if level not in ("none", "data", "signal"):
            raise ValueError(f"sensing_level must be 'none', 'data' or 'signal', got {level!r}")
        if level == "none":
            continue
        for b in cluster[1:]:
            nr = network.base_stations[b].rx_antennas
            load[b] += s.raw_echo_bps(nr) if level == "signal" else s.estimate_bps
    return load


def over_capacity(network: Network, load_bps: Sequence[float]) -> list[tuple[int, str]]:
    """The BSs whose backhaul load exceeds their capacity (1e-9 relative slack), each with a message."""
    return [(b, f"backhaul of {bs.id}: {load_bps[b]:.4g} bit/s > capacity {bs.backhaul_bps:.4g} bit/s")
            for b, bs in enumerate(network.base_stations)
            if bs.backhaul_bps is not None and load_bps[b] > bs.backhaul_bps * (1 + 1e-9)]

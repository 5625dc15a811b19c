"""Max-min sensing SINR by bisection (SPEC.md section 10): each level t is a feasibility SDP.

For a level t every probed target's floor ``L Nr G a^H R_b a >= t (sum_j u^H G_{b<-j} R_j G^H u + sigma^2)``
is linear in the covariances, next to the users' SINR targets and the power budgets; the largest feasible
t (to ``bisection_tol_db``) is the optimum of the relaxation, and the extracted design keeps every
covariance R_b (Hua-Xu-Han with sensing streams), hence every sensing SINR: the certificate then checks
the users' targets, the budgets and the nulls on the design itself, at every level the search counts.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..formulation.data import SnapshotData

LOWEST_DB = -100.0  # below this a target is not sensed in any useful sense; the search starts here


def single_target_bound_db(data: SnapshotData) -> float:
    """No target beats the SINR it would get alone: the whole budget of its BS toward it, no interference."""
    net, ch = data.network, data.channels
    best = [net.system.samples * net.base_stations[b].rx_antennas * ch.radar_gain[b, b, t]
            * net.base_stations[b].power_w * net.base_stations[b].tx_antennas / data.noise
            for t, b in enumerate(data.sensing)]
    return float(10 * np.log10(min(best)))


def sensing_levels(data: SnapshotData, compiled) -> tuple[Callable[[float], None], float, float]:
    """The common sensing-SINR level search of ``compiled``: (set_level(db), lowest level, upper bound) for
    the level search of ``coordinated.optimise`` (the users keep their own SINR targets at every level)."""
    floor = compiled.terms["sensing_sinr"]

    def set_level(db: float) -> None:
        floor.gamma = 10 ** (db / 10)
        floor.update(data)

    hi = single_target_bound_db(data) + 1e-6
    return set_level, min(LOWEST_DB, hi - 1.0), hi

"""Max-min sensing SINR by bisection (SPEC.md section 10): each level t is a feasibility SDP.

For a level t every probed target's floor ``L Nr G a^H R_b a >= t (sum_j u^H G_{b<-j} R_j G^H u + sigma^2)``
is linear in the covariances, next to the users' SINR targets and the power budgets; the largest feasible
t (to ``bisection_tol_db``) is the optimum of the relaxation, and the extracted design keeps every
covariance R_b (Hua-Xu-Han with sensing streams), hence every sensing SINR: the certificate then checks
the users' targets, the budgets and the nulls on the design itself.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..formulation.data import SnapshotData
from ..solve.bisection import bisect
from ..solve.runner import run_chain

LOWEST_DB = -100.0  # below this a target is not sensed in any useful sense; the search starts here


def single_target_bound_db(data: SnapshotData) -> float:
    """No target beats the SINR it would get alone: the whole budget of its BS toward it, no interference."""
    net, ch = data.network, data.channels
    best = [net.system.samples * net.base_stations[b].rx_antennas * ch.radar_gain[b, b, t]
            * net.base_stations[b].power_w * net.base_stations[b].tx_antennas / data.noise
            for t, b in enumerate(data.sensing)]
    return float(10 * np.log10(min(best)))


def sensing_bisection(opts, data: SnapshotData, compiled, chain, time_limit_s, out,
                      accept: Callable, infeasible: Callable) -> None:
    """Bisection on the common sensing-SINR level; ``accept(level_db)`` certifies the design at the best
    level (the solver values are in ``compiled``), ``infeasible()`` explains why not even the lowest holds."""
    floor = compiled.terms["sensing_sinr"]
    best: dict = {}

    def feasible(db: float) -> bool:
        floor.gamma = 10 ** (db / 10)
        floor.update(data)
        before = len(out.records)
        ended = run_chain(compiled.problem, chain, out.records, time_limit_s=time_limit_s)
        compiled.solves += len(out.records) - before
        if ended.outcome != "solved":
            return False
        best.update(db=db, values=compiled.values(), accurate=ended.record.outcome == "optimal")
        return True

    hi = single_target_bound_db(data) + 1e-6
    result = bisect(feasible, min(LOWEST_DB, hi - 1.0), hi, opts.bisection_tol_db)
    if result.lo_db is None:
        floor.gamma = 10 ** (LOWEST_DB / 10)
        floor.update(data)
        infeasible()
        return
    floor.gamma = 10 ** (result.lo_db / 10)
    floor.update(data)
    compiled.restore(best["values"])
    accept(result.hi_db, best["accurate"])

"""Cooperation admitted by finite backhaul (SPEC.md 7 and 11): which clusters a snapshot can afford.

A closed-form network study asks for user-centric CoMP clusters (each served user's L nearest BSs)
and target-centric radar clusters (each probed target's Q nearest BSs). With a backhaul capacity C_b
per BS not every request fits. The rule, stated on every figure that uses it:

1. **Sensing first, whole targets.** Probed targets are taken nearest-to-their-head first. A target
   asking for signal-level cooperation (``multistatic``/``coherent`` pairs) gets it when every
   non-head BS of its cluster still has D_raw of capacity left; that capacity is then spent. Otherwise
   it falls back to data-level fusion (monostatic pairs of the same cluster, D_est per non-head BS); a
   BS without even D_est left leaves the cluster.
2. **Then data, rate-capped.** A BS with no capacity left leaves every CoMP cluster it is not the head
   of. The capacity left at BS b is shared among the users whose data it receives by max-min fair
   water-filling of their demands B r_k (r_k the rate the design gives them); a user's delivered rate
   is the smallest share any of its BSs can carry, ``min(r_k, min_b share_bk / B)``.

Raw echoes cannot be sent in part (a radar either has the samples or not); user data can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .network.model import Network


@dataclass(frozen=True)
class SensingAdmission:
    clusters: tuple[tuple[int, ...], ...]   # per target, head first (a member that cannot fuse is dropped)
    signal: tuple[bool, ...]                # per target: signal-level (raw echoes) admitted
    left_bps: np.ndarray                    # (B,) capacity left for user data (inf: unlimited)


def capacities(network: Network) -> np.ndarray:
    return np.array([np.inf if b.backhaul_bps is None else float(b.backhaul_bps) for b in network.base_stations])


def admit_sensing(network: Network, clusters: Sequence[Sequence[int]], probed: Sequence[bool],
                  wants_signal: bool) -> SensingAdmission:
    """Step 1 of the module's rule; unprobed targets keep their cluster and cost nothing."""
    s = network.system
    left = capacities(network)
    out_c, out_s = list(map(tuple, clusters)), [False] * len(clusters)
    asking = [t for t, c in enumerate(clusters) if probed[t] and len(c) > 1]  # the others cost nothing
    if not asking:
        return SensingAdmission(tuple(out_c), tuple(out_s), left)
    heads = np.array([clusters[t][0] for t in asking], dtype=np.int64)
    gap = np.linalg.norm(network.target_positions[asking] - network.bs_positions[heads], axis=1)
    for i in np.argsort(gap, kind="stable").tolist():  # nearest first (stable: ties by index)
        t = asking[i]
        head, members = clusters[t][0], clusters[t][1:]
        raw = [s.raw_echo_bps(network.base_stations[b].rx_antennas) for b in members]
        if wants_signal and all(left[b] >= r for b, r in zip(members, raw)):
            for b, r in zip(members, raw):
                left[b] -= r
            out_s[t] = True
            continue
        kept = [b for b in members if left[b] >= s.estimate_bps]
        for b in kept:
            left[b] -= s.estimate_bps
        out_c[t] = (head, *kept)
    return SensingAdmission(tuple(out_c), tuple(out_s), left)


def trim_comp(clusters: Sequence[Sequence[int]], left_bps: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """Step 2a: BSs with no capacity left leave the CoMP clusters they do not head."""
    if all(len(c) <= 1 for c in clusters):  # no CoMP: nothing to trim
        return tuple(map(tuple, clusters))
    return tuple(tuple(c[:1]) + tuple(b for b in c[1:] if left_bps[b] > 0) for c in clusters)


def water_fill(demands: np.ndarray, capacity: float) -> np.ndarray:
    """Max-min fair shares of ``capacity`` among ``demands`` (each gets at most its demand)."""
    shares = np.zeros_like(demands, dtype=float)
    if not np.isfinite(capacity):
        return demands.astype(float).copy()
    todo = list(np.argsort(demands))
    left = capacity
    while todo:
        fair = left / len(todo)
        k = todo[0]
        if demands[k] <= fair:
            shares[k] = demands[k]
            left -= demands[k]
            todo.pop(0)
        else:
            for k in todo:
                shares[k] = fair
            break
    return shares


def rate_caps(network: Network, clusters: Sequence[Sequence[int]], rates_bps_hz: np.ndarray,
              left_bps: np.ndarray) -> np.ndarray:
    """Step 2b: the rate each user's backhaul can carry [bit/s/Hz] (inf for users no BS receives)."""
    bw = network.system.bandwidth_hz
    caps = np.full(len(clusters), np.inf)
    joined: list[list[int]] = [[] for _ in range(network.n_bs)]  # per BS, the users it joins (not heads)
    for k, c in enumerate(clusters):
        for b in c[1:]:
            joined[b].append(k)
    for b, users in enumerate(joined):
        if not users:
            continue
        shares = water_fill(np.array([bw * rates_bps_hz[k] for k in users]), float(left_bps[b]))
        for k, share in zip(users, shares):
            caps[k] = min(caps[k], share / bw)
    return caps

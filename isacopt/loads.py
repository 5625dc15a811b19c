"""Loads (SPEC.md section 10): the users each BS serves (K) and the targets it probes (M).

Every node is first associated with its nearest BS (or an explicit map for users); a BS then keeps
the ``per_bs`` nearest of its own nodes and leaves the others alone (-1): an unserved user gets no
beam, an unprobed target gets no transmit resources, and neither counts in an ASE (SPEC.md section 8).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .network.model import Network


def keep_nearest(heads: Sequence[int], distances_m: NDArray[np.float64], n_bs: int, per_bs: int | None) -> tuple[int, ...]:
    """``heads`` with, per BS, only its ``per_bs`` nearest nodes kept (the others -1; None keeps all).
    Ties in distance are broken by node index, so the choice is deterministic."""
    out = np.asarray(heads, dtype=np.int64).reshape(-1)
    if per_bs is not None and len(out):
        # one sort by (head, distance, index): a node's rank among its head's nodes is its place in the run
        order = np.lexsort((np.arange(len(out)), np.asarray(distances_m, dtype=float), out))
        ranked = out[order]
        rank = np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")
        out = out.copy()
        out[order[(ranked >= 0) & (ranked < n_bs) & (rank >= per_bs)]] = -1
    return tuple(out.tolist())


def nodes_of(heads: Sequence[int], n_bs: int) -> list[list[int]]:
    """Per BS, the indices of the nodes whose head it is, ascending (heads -1 or out of range belong to none)."""
    out: list[list[int]] = [[] for _ in range(n_bs)]
    for i, h in enumerate(heads):
        if 0 <= h < n_bs:
            out[h].append(i)
    return out


def nearest_bs(positions_m: NDArray[np.float64], bs_positions_m: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index of the nearest BS to every position (ties: the lower index)."""
    if len(positions_m) == 0:
        return np.zeros(0, dtype=np.int64)
    d = np.linalg.norm(positions_m[:, None, :] - bs_positions_m[None, :, :], axis=2)
    return np.argmin(d, axis=1)


def served_users(network: Network, heads: Sequence[int], users_per_bs: int | None) -> tuple[int, ...]:
    """Serving BS of every user (-1: unserved) when each BS serves at most ``users_per_bs`` of the users
    associated with it in ``heads``, nearest first."""
    d = head_distances(network.user_positions, network.bs_positions, heads)
    return keep_nearest(heads, d, network.n_bs, users_per_bs)


def probed_targets(network: Network, targets_per_bs: int | None,
                   heads: Sequence[int] | None = None) -> tuple[int, ...]:
    """Probing BS of every target (-1: unprobed): each BS probes at most ``targets_per_bs`` of the targets
    associated with it (``heads``, by default the nearest BS), nearest first."""
    if heads is None:
        heads = nearest_bs(network.target_positions, network.bs_positions).tolist()
    d = head_distances(network.target_positions, network.bs_positions, heads)
    return keep_nearest(heads, d, network.n_bs, targets_per_bs)


def head_distances(positions_m: NDArray[np.float64], bs_positions_m: NDArray[np.float64],
                   heads: Sequence[int]) -> NDArray[np.float64]:
    """Distance of every node to its head BS [m] (inf where it has none, head -1)."""
    h = np.asarray(heads, dtype=np.int64).reshape(-1)
    if len(h) == 0:
        return np.zeros(0)
    d = np.linalg.norm(positions_m - bs_positions_m[np.maximum(h, 0)], axis=1)
    return np.where(h >= 0, d, np.inf)

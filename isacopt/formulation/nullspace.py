"""Interference nulling as a change of variables (SPEC.md section 6).

BS j stacks every null it must place into N_j; its transmission is confined
to the null space, ``w = V_j z`` and ``R0 = V_j Z V_j^H`` with ``V_j`` an
orthonormal basis of null(N_j). The degrees of freedom left are
``d_j = Nt - rank(N_j)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..channels.derive import Channels
from ..errors import DegreesOfFreedomError
from ..loads import nodes_of
from ..network.model import Network

SensingNullRank = Literal["full", "beam", "los"]

RANK_TOL = 1e-9  # relative singular value below which a direction counts as already nulled


@dataclass(frozen=True, eq=False)
class NullSpaces:
    """Per BS: basis ``V[b]`` (Nt_b, d_b), rank spent on nulls, nulled users, protected BS receivers."""

    bases: tuple[NDArray[np.complex128], ...]
    rank_spent: tuple[int, ...]
    nulled_users: tuple[tuple[int, ...], ...]
    protected_bs: tuple[tuple[int, ...], ...]
    rows: tuple[NDArray[np.complex128], ...] = ()  # per BS: the stacked nulls N_j (0 rows without nulls)

    @property
    def dof(self) -> tuple[int, ...]:
        return tuple(v.shape[1] for v in self.bases)


def nearest_other_bs(network: Network, b: int, count: int) -> list[int]:
    """The ``count`` BSs nearest to BS b, b excluded (ties broken by index)."""
    if count <= 0:
        return []
    d = np.linalg.norm(network.bs_positions - network.bs_positions[b], axis=1)
    d[b] = np.inf
    return [int(j) for j in np.argsort(d, kind="stable")[:count]]


def receiver_rows(channels: Channels, b: int, j: int, rank: SensingNullRank,
                  probed_of_b: Sequence[int]) -> list[NDArray[np.complex128]]:
    """The rows BS j nulls to protect BS b's radar receiver (SPEC.md section 10, ``sensing_null_rank``):
    ``full`` the whole cross-link G_{b<-j} (its rank: Nr for a scattering link), ``beam`` one row
    u_t^H G_{b<-j} per target t that b probes (u_t its matched receive beam), ``los`` the cross-link's
    strongest direction only (the whole link when it is line of sight, rank one)."""
    g = channels.crosslink[b][j]
    if rank == "full":
        return [g]
    if rank == "beam":
        a_r = channels.rx_steering[b][list(probed_of_b)]
        return [(a_r.conj() @ g) / np.sqrt(g.shape[0])] if len(probed_of_b) else []
    _, _, vh = np.linalg.svd(g)
    return [vh[:1]]


def null_spaces(network: Network, channels: Channels, serving_heads: list[int], *, comm_cluster: int,
                sensing_cluster: int, sensing_bs: list[int], sensing_null_rank: SensingNullRank = "full",
                probing: Sequence[int] | None = None, streams: Sequence[int] | None = None) -> NullSpaces:
    """Null spaces of every BS for comm cluster L and sensing cluster Q; refuses when DoF run out.

    ``serving_heads[k]`` is the BS serving user k; ``sensing_bs`` lists the BSs that sense a target
    (each needs at least one dimension, as does each user it serves); ``probing[t]`` the BS probing
    target t (-1: none), which ``sensing_null_rank='beam'`` protects; ``streams[j]`` the streams BS j
    must carry when it is not one per user (dedicated sensing beams add theirs).
    """
    heads = np.asarray(serving_heads, dtype=np.int64).reshape(-1)
    own = nodes_of(serving_heads, network.n_bs)
    probed_of = nodes_of(probing if probing is not None else [], network.n_bs)
    bases, ranks, nulled, protected, short, stacks = [], [], [], [], [], []
    for j, bs in enumerate(network.base_stations):
        neighbours_c = nearest_other_bs(network, j, comm_cluster - 1)
        users = tuple(np.flatnonzero(np.isin(heads, neighbours_c)).tolist()) if neighbours_c else ()
        victims = tuple(nearest_other_bs(network, j, sensing_cluster - 1))
        rows = [channels.comm[j][k].conj()[None, :] for k in users]  # h^H w = 0
        for b in victims:                                             # G_{b<-j} w = 0 (or part of it)
            rows += receiver_rows(channels, b, j, sensing_null_rank, probed_of[b])
        nt = bs.tx_antennas
        stacks.append(np.vstack(rows) if rows else np.zeros((0, nt), dtype=complex))
        if rows:
            n = stacks[-1]
            _, sv, vh = np.linalg.svd(n, full_matrices=True)
            rank = int(np.sum(sv > RANK_TOL * max(sv.max(initial=0.0), np.finfo(float).tiny)))
            basis = vh[rank:].conj().T
        else:
            rank, basis = 0, np.eye(nt, dtype=complex)
        n_users = len(own[j])
        count = n_users if streams is None else int(streams[j])
        needed = max(count, 1 if (j in sensing_bs) else 0)
        if nt - rank < needed:
            short.append((
                f"base_stations[{j}] ({bs.id})",
                f"Nt = {nt} antennas, {rank} spent on nulls ({len(users)} users of its {comm_cluster - 1} nearest "
                f"BSs, {len(victims)} BS receivers at sensing_null_rank {sensing_null_rank!r}), {nt - rank} left, "
                f"but {count} streams{' and sensing' if j in sensing_bs and count == n_users else ''} asked for; "
                "lower comm_cluster/sensing_cluster, add antennas or serve fewer users or targets"))
        bases.append(basis)
        ranks.append(rank)
        nulled.append(users)
        protected.append(victims)
    if short:
        raise DegreesOfFreedomError(short)
    return NullSpaces(tuple(bases), tuple(ranks), tuple(nulled), tuple(protected), tuple(stacks))

"""What a compiled problem depends on (shapes and patterns), apart from the data it is solved with."""

from __future__ import annotations

from dataclasses import dataclass

from ..formulation.data import SnapshotData


@dataclass(frozen=True)
class Structure:
    """Two snapshots with equal structures share one compiled cvxpy problem."""

    dims: tuple[int, ...]                 # transmit dimensions left per BS
    antennas: tuple[int, ...]             # Nt per BS
    serving: tuple[int, ...]              # serving BS per user (-1 = unserved)
    sensing: tuple[int, ...]              # sensing BS per target
    sinr_users: tuple[int, ...]           # users with an SINR constraint
    type2: tuple[bool, ...]
    interferers: tuple[tuple[int, ...], ...]  # per user: BSs whose transmission reaches it
    eavesdroppers: int = 0                # how many (each caps every served user's SINR at it)
    private: tuple[int, ...] = ()         # eavesdroppers with a sensing-privacy cap

    @classmethod
    def of(cls, data: SnapshotData, sinr_users: tuple[int, ...], type2: tuple[bool, ...],
           sensing_streams: bool) -> "Structure":
        net = data.network
        active = [b for b in range(net.n_bs) if (data.users_of(b) or sensing_streams) and data.nulls.dof[b] > 0]
        inter = tuple(tuple(j for j in active if data.interferes(j, k)) for k in range(net.n_users))
        return cls(data.nulls.dof, tuple(b.tx_antennas for b in net.base_stations), data.serving, data.sensing,
                   sinr_users, type2, inter, net.n_eavesdroppers, net.private_eavesdroppers)

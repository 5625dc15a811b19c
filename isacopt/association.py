"""Who serves whom: serving clusters C_k and sensing clusters Q_t (SPEC.md sections 3, 5.4, 7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ValidationError
from .network.model import Network


@dataclass(frozen=True)
class Association:
    """Serving cluster of every user and sensing cluster of every target, by BS index.

    The first BS of each cluster is its head: it holds the user's data (joint
    transmission) or fuses the target's estimates (sensing cooperation).
    """

    serving: tuple[tuple[int, ...], ...]
    sensing: tuple[tuple[int, ...], ...]

    @classmethod
    def nearest(cls, network: Network, *, comm_cluster: int = 1, sensing_cluster: int = 1) -> "Association":
        """Each user served by its ``comm_cluster`` nearest BSs, each target sensed by its ``sensing_cluster`` nearest."""
        for name, size in (("comm_cluster", comm_cluster), ("sensing_cluster", sensing_cluster)):
            if not 1 <= size <= network.n_bs:
                raise ValidationError([(name, f"must be between 1 and the number of BSs ({network.n_bs}), got {size}")])
        return cls(
            serving=nearest_clusters(network.bs_positions, network.user_positions, comm_cluster),
            sensing=nearest_clusters(network.bs_positions, network.target_positions, sensing_cluster),
        )

    def validate_for(self, network: Network, *, allow_unserved: bool = False) -> "Association":
        """Raise :class:`ValidationError` unless the clusters fit ``network`` (``allow_unserved``: empty
        serving clusters mark users left unscheduled)."""
        problems = []
        for name, clusters, count in (("serving", self.serving, network.n_users), ("sensing", self.sensing, network.n_targets)):
            if len(clusters) != count:
                problems.append((name, f"needs one cluster per {'user' if name == 'serving' else 'target'} ({count}), got {len(clusters)}"))
                continue
            for i, c in enumerate(clusters):
                if len(c) == 0 and allow_unserved and name == "serving":
                    continue
                if len(c) == 0 or len(set(c)) != len(c) or not all(0 <= b < network.n_bs for b in c):
                    problems.append((f"{name}[{i}]", f"must be distinct BS indices in [0, {network.n_bs}), got {c}"))
        if problems:
            raise ValidationError(problems)
        return self

    def users_of(self, b: int) -> list[int]:
        """Users whose serving cluster contains BS b."""
        return [k for k, c in enumerate(self.serving) if b in c]

    def heads(self) -> list[int]:
        """Head (first) BS of every user's serving cluster."""
        return [c[0] for c in self.serving]


def nearest_clusters(bs: np.ndarray, points: np.ndarray, size: int) -> tuple[tuple[int, ...], ...]:
    """Per point, the indices of its ``size`` nearest BSs, nearest first (ties: the lower index)."""
    if len(points) == 0:
        return ()
    d = np.linalg.norm(points[:, None, :] - bs[None, :, :], axis=-1)
    # argmin keeps the first of equal distances, as the stable sort does
    order = np.argmin(d, axis=1)[:, None] if size == 1 else np.argsort(d, axis=1, kind="stable")[:, :size]
    return tuple(map(tuple, order.tolist()))

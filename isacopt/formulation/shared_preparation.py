"""The preparation steps every problem family shares, done once each: cluster sizes checked against the
network, the receiver-type override applied to the users, and the users' SINR targets merged (their own
``sinr_db``, else the problem's) and turned from dB into linear values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ..errors import ValidationError
from ..network.model import Network


def check_cluster_sizes(network: Network, **sizes: int) -> None:
    """Every cluster size (``comm_cluster=2, sensing_cluster=3``) at most the number of BSs."""
    bad = [(name, f"{size} is larger than the number of base stations ({network.n_bs})")
           for name, size in sizes.items() if size > network.n_bs]
    if bad:
        raise ValidationError(bad)


def with_receiver(network: Network, receiver: Literal["type1", "type2"] | None) -> Network:
    """``network`` with every user's receiver type set to ``receiver`` (unchanged when None): the override
    is part of the model, so the metrics of the solution see it too."""
    if receiver is None:
        return network
    return network.with_updates(users=[u.model_copy(update={"receiver": receiver}) for u in network.users])


def linear_sinr_targets(network: Network, default_db: float | None,
                        served: Sequence[bool] | None = None) -> tuple[float | None, ...]:
    """Each user's linear SINR target: its own ``sinr_db``, else ``default_db``; None for a user without
    either, or one that is not served (``served[k]`` false)."""
    out = []
    for k, u in enumerate(network.users):
        db = u.sinr_db if u.sinr_db is not None else default_db
        out.append(None if db is None or (served is not None and not served[k]) else float(10.0 ** (db / 10.0)))
    return tuple(out)

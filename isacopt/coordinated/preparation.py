"""From a snapshot and a builder's options to SnapshotData: association, targets, null spaces."""

from __future__ import annotations

from ..association import Association
from ..channels.derive import Channels
from ..errors import ValidationError
from ..formulation.data import SnapshotData
from ..formulation.nullspace import SensingNullRank, null_spaces
from ..loads import nearest_bs, served_users
from ..formulation.shared_preparation import check_cluster_sizes, linear_sinr_targets
from ..network.model import Network


def serving_heads(network: Network, serving: dict[str, str] | None, max_users_per_bs: int | None) -> tuple[int, ...]:
    """Serving BS of every user: the explicit map, else the nearest BS; beyond ``max_users_per_bs``
    a BS serves its nearest users and the others are left unserved (-1)."""
    nearest = nearest_bs(network.user_positions, network.bs_positions).tolist()
    if not serving:
        return served_users(network, nearest, max_users_per_bs)
    bs_index = {b.id: i for i, b in enumerate(network.base_stations)}
    user_ids = {u.id for u in network.users}
    bad = [(f"serving[{u!r}]", f"unknown user id; known: {sorted(user_ids)[:8]}") for u in serving if u not in user_ids]
    bad += [(f"serving[{u!r}]", f"unknown base station {b!r}") for u, b in serving.items() if b not in bs_index]
    if bad:
        raise ValidationError(bad)
    heads = [bs_index[serving[u.id]] if u.id in serving else nearest[k] for k, u in enumerate(network.users)]
    return served_users(network, heads, max_users_per_bs)


def sensing_heads(network: Network, sensing_map: dict[str, str] | None) -> tuple[int, ...]:
    """Sensing BS of every target: the explicit map, else the nearest BS."""
    nearest = nearest_bs(network.target_positions, network.bs_positions).tolist()
    if not sensing_map:
        return tuple(nearest)
    bs_index = {b.id: i for i, b in enumerate(network.base_stations)}
    target_ids = {t.id for t in network.targets}
    bad = [(f"sensing_map[{t!r}]", "unknown target id") for t in sensing_map if t not in target_ids]
    bad += [(f"sensing_map[{t!r}]", f"unknown base station {b!r}") for t, b in sensing_map.items() if b not in bs_index]
    if bad:
        raise ValidationError(bad)
    return tuple(bs_index[sensing_map[t.id]] if t.id in sensing_map else nearest[i] for i, t in enumerate(network.targets))


def prepare(network: Network, channels: Channels, *, serving: dict[str, str] | None, max_users_per_bs: int | None,
            default_sinr_db: float | None, comm_cluster: int, sensing_cluster: int,
            sensing_map: dict[str, str] | None = None, sensing_null_rank: SensingNullRank = "full") -> SnapshotData:
    check_cluster_sizes(network, comm_cluster=comm_cluster, sensing_cluster=sensing_cluster)
    heads = serving_heads(network, serving, max_users_per_bs)
    sensing = sensing_heads(network, sensing_map)
    targets = linear_sinr_targets(network, default_sinr_db, served=[h >= 0 for h in heads])
    nulls = null_spaces(network, channels, list(heads), comm_cluster=comm_cluster, sensing_cluster=sensing_cluster,
                        sensing_bs=sorted(set(sensing)), sensing_null_rank=sensing_null_rank, probing=sensing)
    p_ref = max(b.power_w for b in network.base_stations)
    return SnapshotData(network, channels, heads, sensing, nulls, targets, p_ref)


def association_of(data: SnapshotData) -> Association:
    return Association(serving=tuple(() if h < 0 else (h,) for h in data.serving),
                       sensing=tuple((b,) for b in data.sensing))

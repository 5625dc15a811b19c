"""Independent sub-problems: base stations that no constraint couples are solved apart.

Two BSs are coupled when one reaches a user with an SINR constraint served by
the other (not nulled), or leaks into the other's receiver under a sensing-SINR
floor (not nulled). Connected components of that graph are independent
problems: their constraints share no variable, so solving them apart gives the
joint optimum (summed for min_power and sum-CRB, the worst for max-min and
max-CRB objectives). ``restrict`` builds a component's own snapshot data.
"""

from __future__ import annotations

from dataclasses import replace


from ..design import TransmitDesign
from ..network.model import Network
from .data import SnapshotData
from .nullspace import NullSpaces


def components(data: SnapshotData, interferers: tuple[tuple[int, ...], ...], sinr_users: tuple[int, ...],
               sensing_floor: bool) -> list[list[int]]:
    """Groups of BS indices (sorted) that must be solved together."""
    n = data.network.n_bs
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    for k in sinr_users:
        for j in interferers[k]:
            join(data.serving[k], j)
    if sensing_floor:
        for b in set(data.sensing):
            for j in range(n):
                if j != b and b not in data.nulls.protected_bs[j]:
                    join(b, j)
    groups: dict[int, list[int]] = {}
    for b in range(n):
        groups.setdefault(find(b), []).append(b)
    return sorted(groups.values())


def restrict(data: SnapshotData, bss: list[int]) -> tuple[SnapshotData, list[int], list[int]]:
    """The component's own data: its BSs, the users they serve, the targets they sense."""
    net, ch = data.network, data.channels
    users = [k for k, b in enumerate(data.serving) if b in bss]
    targets = [t for t, b in enumerate(data.sensing) if b in bss]
    pos = {b: i for i, b in enumerate(bss)}
    sub_net = Network.model_construct(  # already validated as part of the whole network
        **{**{f: getattr(net, f) for f in type(net).model_fields},
           "base_stations": tuple(net.base_stations[b] for b in bss), "users": tuple(net.users[k] for k in users),
           "targets": tuple(net.targets[t] for t in targets)})
    sub_ch = ch.subset(bss, users, targets)
    uidx = {k: i for i, k in enumerate(users)}
    nulls = NullSpaces(
        bases=tuple(data.nulls.bases[b] for b in bss),
        rank_spent=tuple(data.nulls.rank_spent[b] for b in bss),
        nulled_users=tuple(tuple(uidx[k] for k in data.nulls.nulled_users[b] if k in uidx) for b in bss),
        protected_bs=tuple(tuple(pos[j] for j in data.nulls.protected_bs[b] if j in pos) for b in bss),
        rows=tuple(data.nulls.rows[b] for b in bss) if data.nulls.rows else (),
    )
    sub = replace(data, network=sub_net, channels=sub_ch, serving=tuple(pos[data.serving[k]] for k in users),
                  sensing=tuple(pos[data.sensing[t]] for t in targets), nulls=nulls,
                  sinr_targets=tuple(data.sinr_targets[k] for k in users))
    return sub, users, targets


def embed(data: SnapshotData, parts: list[tuple[list[int], list[int], TransmitDesign]]) -> TransmitDesign:
    """Assemble the whole network's design from the components' designs."""
    whole = TransmitDesign.zeros(data.network)
    sens = list(whole.sensing)
    for bss, users, design in parts:
        for i, b in enumerate(bss):
            whole.beams[b][:, users] = design.beams[i]
            sens[b] = design.sensing[i]
    return TransmitDesign(whole.beams, tuple(sens))

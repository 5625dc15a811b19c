"""Cooperation links: the binary decisions of a cluster search, and the limits a choice must respect.

Every user is always served by its nearest BS (its head) and every target always sensed by its
nearest BS (its fusion head): that is the non-cooperative design. A *link* adds one more of the
``candidates - 1`` next-nearest BSs to a user's serving cluster (joint transmission) or to a
target's sensing cluster (distributed radar). A choice is the set of links switched on.

Limits of a choice, all monotone (switching a link on never relieves one):
- backhaul (SPEC.md 7): per-BS load with the users' rate targets <= the BS's capacity;
- load: users whose serving cluster contains a BS <= ``max_users_per_bs``, and likewise targets;
- DoF: users a BS transmits to <= its transmit antennas (one spatial stream each).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

import numpy as np

from ..association import Association
from ..metrics.backhaul import SensingLevel, backhaul_load, over_capacity
from ..network.model import Network


@dataclass(frozen=True, order=True)
class Link:
    kind: Literal["serve", "sense"]
    node: int      # user index (serve) or target index (sense)
    bs: int

    def describe(self, network: Network) -> str:
        """Human-readable link, e.g. ``"b1 serves u0"`` or ``"b2 senses t1"``."""
        who = network.users[self.node].id if self.kind == "serve" else network.targets[self.node].id
        verb = "serves" if self.kind == "serve" else "senses"
        return f"{network.base_stations[self.bs].id} {verb} {who}"


@dataclass(frozen=True)
class LinkSet:
    """The heads and the candidate links of a network for ``candidates`` nearest BSs per node."""

    heads_serve: tuple[int, ...]
    heads_sense: tuple[int, ...]
    links: tuple[Link, ...]

    @classmethod
    def nearest(cls, network: Network, candidates: int) -> "LinkSet":
        """Every link of ``network``: the ``candidates - 1`` next-nearest BSs of every user and target."""
        m = min(candidates, network.n_bs)
        near = Association.nearest(network, comm_cluster=m, sensing_cluster=m)
        links = [Link("serve", k, b) for k, c in enumerate(near.serving) for b in c[1:]]
        links += [Link("sense", t, b) for t, c in enumerate(near.sensing) for b in c[1:]]
        return cls(tuple(c[0] for c in near.serving), tuple(c[0] for c in near.sensing), tuple(links))

    def association(self, on: Iterable[Link]) -> Association:
        """Clusters of a choice, heads first and then the added BSs nearest first (the link order)."""
        serving = [[h] for h in self.heads_serve]
        sensing = [[h] for h in self.heads_sense]
        chosen = set(on)
        for link in self.links:
            if link in chosen:
                (serving if link.kind == "serve" else sensing)[link.node].append(link.bs)
        return Association(tuple(map(tuple, serving)), tuple(map(tuple, sensing)))


@dataclass(frozen=True)
class Limits:
    """The per-BS limits of a search; ``rates`` are the users' rate targets used for the CoMP backhaul."""

    network: Network
    rates: tuple[float, ...]
    sensing_level: SensingLevel
    max_users_per_bs: int | None
    max_targets_per_bs: int | None

    def loads(self, assoc: Association) -> np.ndarray:
        """Backhaul load of every BS for the clusters ``assoc`` at the users' rate targets, (B,) [bit/s]."""
        return backhaul_load(self.network, assoc, self.rates, self.sensing_level)

    def violations(self, assoc: Association) -> list[str]:
        """Every limit the choice breaks, named by BS (empty: admissible)."""
        return [msg for _, msg in self._broken(assoc)]

    def violating_bs(self, assoc: Association) -> set[int]:
        """Indices of the BSs whose backhaul, load or DoF limit ``assoc`` breaks."""
        return {b for b, _ in self._broken(assoc)}

    def _broken(self, assoc: Association) -> list[tuple[int, str]]:
        net = self.network
        out = over_capacity(net, self.loads(assoc))
        for b, bs in enumerate(net.base_stations):
            users = sum(b in c for c in assoc.serving)
            targets = sum(b in c for c in assoc.sensing)
            if self.max_users_per_bs is not None and users > self.max_users_per_bs:
                out.append((b, f"load of {bs.id}: {users} users > max_users_per_bs = {self.max_users_per_bs}"))
            if self.max_targets_per_bs is not None and targets > self.max_targets_per_bs:
                out.append((b, f"load of {bs.id}: {targets} targets > max_targets_per_bs = {self.max_targets_per_bs}"))
            if users > bs.tx_antennas:
                out.append((b, f"DoF of {bs.id}: {users} users need {users} streams > Nt = {bs.tx_antennas}"))
        return out

    def added_load_bits(self, base: Association, more: Association) -> float:
        """Backhaul the extra links of ``more`` over ``base`` cost, summed over BSs [bit/s]."""
        return float(np.sum(self.loads(more) - self.loads(base)))

"""A snapshot in solver units: reduced (null-space) channels scaled to O(1).

The solver never sees SI magnitudes. Powers are in units of ``p_ref`` (the
largest BS budget), received powers in units of the noise: a channel enters
as ``h~ = V^H h sqrt(p_ref / sigma^2)``. Beampattern gains are in units of
``p_ref``. Every result is converted back to SI by the metric functions, which
work on the extracted design, never on solver values.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from ..channels.derive import Channels
from ..network.model import Network
from .nullspace import NullSpaces


@dataclass(frozen=True, eq=False)
class SnapshotData:
    network: Network
    channels: Channels
    serving: tuple[int, ...]           # serving BS of every user (-1: not served)
    sensing: tuple[int, ...]           # sensing BS of every target
    nulls: NullSpaces
    sinr_targets: tuple[float | None, ...]  # linear SINR target per user (None: no constraint)
    p_ref: float
    # vectors computed once per snapshot (``kept``); a replaced copy starts empty, since it may hold other
    # channels or null spaces
    _kept: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def noise(self) -> float:
        return self.channels.noise_w

    def kept(self, key: Hashable, compute: Callable[[], NDArray]) -> NDArray:
        """``compute()`` once per snapshot and ``key`` (read-only): a bisection builds the same rows at every
        level, and its refutation checks build them at up to twenty more."""
        value = self._kept.get(key)
        if value is None:
            value = compute()
            value.flags.writeable = False
            self._kept[key] = value
        return value

    def with_sinr_targets(self, targets: tuple[float | None, ...]) -> "SnapshotData":
        """A copy with other SINR targets that keeps what ``kept`` made (none of it depends on the targets): a
        max-min SINR bisection's levels and refutation checks then share the snapshot's vectors."""
        copy = replace(self, sinr_targets=tuple(targets))
        object.__setattr__(copy, "_kept", self._kept)
        return copy

    def user_channel(self, j: int, k: int) -> NDArray[np.complex128]:
        """h~_{j,k} = V_j^H h_{j,k} sqrt(p_ref / sigma^2): the reduced, normalised channel (d_j,)."""
        return self.kept(("user", j, k), lambda: self.nulls.bases[j].conj().T @ self.channels.comm[j][k]
                         * np.sqrt(self.p_ref / self.noise))

    def eve_channel(self, j: int, e: int) -> NDArray[np.complex128]:
        """g~_{j,e} = V_j^H g_{j,e} sqrt(p_ref / sigma^2): BS j's reduced, normalised channel to eavesdropper e."""
        return self.nulls.bases[j].conj().T @ self.channels.eve[j][e] * np.sqrt(self.p_ref / self.noise)

    def reduced(self, b: int, vec: NDArray[np.complex128]) -> NDArray[np.complex128]:
        """V_b^H vec."""
        return self.nulls.bases[b].conj().T @ vec

    def budget(self, b: int) -> float:
        return self.network.base_stations[b].power_w / self.p_ref

    def users_of(self, b: int) -> list[int]:
        return [k for k, h in enumerate(self.serving) if h == b]

    def interferes(self, j: int, k: int) -> bool:
        """False when BS j nulls user k (its reduced channel is zero by construction)."""
        return k not in self.nulls.nulled_users[j]

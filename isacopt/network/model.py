"""The network snapshot: what is out there (SPEC.md section 0)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
from pydantic import Field, model_validator

from .._model import FrozenModel
from ..shared_arrays import read_only
from .channel_spec import ChannelSpec, LosChannels
from .nodes import BaseStation, Eavesdropper, Target, User, Window
from .system import SystemParams


class Network(FrozenModel):
    """One snapshot of an ISAC network: system parameters, channel model, nodes.

    Immutable and validated: ids are unique per kind, every coordinate is
    finite, and no user or target sits closer than ``system.min_distance_m``
    to a BS. Random layouts: :meth:`poisson`, :meth:`hexagonal`.
    """

    name: str = Field("network", max_length=200)
    description: str = Field("", max_length=10_000)
    system: SystemParams = SystemParams()
    channels: ChannelSpec = LosChannels()
    base_stations: tuple[BaseStation, ...] = Field(min_length=1, max_length=10_000)
    users: tuple[User, ...] = Field((), max_length=100_000)
    targets: tuple[Target, ...] = Field((), max_length=100_000)
    eavesdroppers: tuple[Eavesdropper, ...] = Field((), max_length=10_000)
    window: Window | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Network":
        problems: list[str] = []
        for kind in ("base_stations", "users", "targets", "eavesdroppers"):
            seen: dict[str, int] = {}
            for i, node in enumerate(getattr(self, kind)):
                if node.id in seen:
                    problems.append(f"{kind}[{i}].id: duplicate id {node.id!r} (also {kind}[{seen[node.id]}]); ids must be unique")
                seen[node.id] = i
        dmin = self.system.min_distance_m
        bs = self.bs_positions
        for kind in ("base_stations", "users", "targets", "eavesdroppers"):
            nodes = getattr(self, kind)
            if not nodes:
                continue
            pos = np.array([n.position_m for n in nodes], dtype=float)
            dist = np.linalg.norm(pos[:, None, :] - bs[None, :, :], axis=-1)
            if kind == "base_stations":
                dist[np.diag_indices(len(nodes))] = np.inf
            for i, b in zip(*np.nonzero(dist < dmin)):
                if kind == "base_stations" and b < i:
                    continue
                problems.append(
                    f"{kind}[{i}].position_m: {nodes[i].id!r} is {dist[i, b]:.3g} m from base station "
                    f"{self.base_stations[b].id!r}; must be at least system.min_distance_m = {dmin:g} m"
                )
        spec = self.channels
        if spec.model == "explicit" and spec.comm is None and spec.file is None:
            problems.append("channels: model 'explicit' needs a file (or ExplicitChannels.from_arrays)")
        if problems:
            raise ValueError("\n  ".join(problems))
        from .plausibility import warn_implausible

        warn_implausible(self)
        return self

    def __eq__(self, other: object) -> bool:  # the fields, not the cached position arrays below
        return type(self) is type(other) and all(getattr(self, f) == getattr(other, f) for f in type(self).model_fields)

    __hash__ = FrozenModel.__hash__

    # -- derived views -------------------------------------------------------------
    @property
    def n_bs(self) -> int:
        """Number of base stations B."""
        return len(self.base_stations)

    @property
    def n_users(self) -> int:
        """Number of users K."""
        return len(self.users)

    @property
    def n_targets(self) -> int:
        """Number of targets T."""
        return len(self.targets)

    @cached_property
    def bs_positions(self) -> np.ndarray:
        """(n_bs, 2) BS positions [m]."""
        return read_only(np.array([b.position_m for b in self.base_stations], dtype=float).reshape(-1, 2))

    @cached_property
    def user_positions(self) -> np.ndarray:
        """User positions, (K, 2) [m]."""
        return read_only(np.array([u.position_m for u in self.users], dtype=float).reshape(-1, 2))

    @cached_property
    def sinr_targets_db(self) -> np.ndarray:
        """(K,) every user's SINR target [dB], NaN where it has none."""
        return read_only(np.array([np.nan if u.sinr_db is None else u.sinr_db for u in self.users], dtype=float))

    @cached_property
    def type1_users(self) -> np.ndarray:
        """(K,) 1.0 for a type-I receiver (it hears the sensing signal as interference), 0.0 for type II."""
        return read_only(np.array([u.receiver == "type1" for u in self.users], dtype=float))

    @cached_property
    def target_positions(self) -> np.ndarray:
        """Target positions, (T, 2) [m]."""
        return read_only(np.array([t.position_m for t in self.targets], dtype=float).reshape(-1, 2))

    @property
    def n_eavesdroppers(self) -> int:
        """Number of eavesdroppers E."""
        return len(self.eavesdroppers)

    @property
    def private_eavesdroppers(self) -> tuple[int, ...]:
        """Indices of the eavesdroppers with a sensing-privacy cap (``max_beampattern_w``)."""
        return tuple(e for e, eve in enumerate(self.eavesdroppers) if eve.max_beampattern_w is not None)

    @cached_property
    def eavesdropper_positions(self) -> np.ndarray:
        """Eavesdropper positions, (E, 2) [m]."""
        return read_only(np.array([e.position_m for e in self.eavesdroppers], dtype=float).reshape(-1, 2))

    @property
    def uniform_antennas(self) -> bool:
        """True if every BS has the same numbers of transmit and receive antennas."""
        return len({(b.tx_antennas, b.rx_antennas) for b in self.base_stations}) == 1

    def with_updates(self, **changes: Any) -> "Network":
        """A validated copy with some fields replaced (``model_copy`` would skip validation)."""
        data = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(changes)
        return Network(**data)  # model instances pass through unchanged (explicit arrays kept)

    # -- layouts --------------------------------------------------------------------
    @classmethod
    def poisson(cls, **kwargs: Any) -> "Network":
        """A Poisson point-process snapshot; see :class:`isacopt.network.layouts.PoissonLayout`."""
        return LAYOUTS["poisson"](**_layout_args(kwargs)).generate(**_network_args(kwargs))

    @classmethod
    def hexagonal(cls, **kwargs: Any) -> "Network":
        """A hexagonal-grid snapshot; see :class:`isacopt.network.layouts.HexagonalLayout`."""
        return LAYOUTS["hexagonal"](**_layout_args(kwargs)).generate(**_network_args(kwargs))


# kind -> layout class, filled by isacopt.network.layouts (imported with the isacopt.network package): the
# layouts build Networks, so this module cannot import them without a circle
LAYOUTS: dict[str, Any] = {}

_NETWORK_KEYS = ("name", "description", "system", "channels")


def _network_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: kwargs[k] for k in _NETWORK_KEYS if k in kwargs}


def _layout_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k not in _NETWORK_KEYS}

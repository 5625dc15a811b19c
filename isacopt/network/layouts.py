"""Seeded layouts: hexagonal grid and Poisson point process (SPEC.md section 8).

Randomness comes from ``numpy.random.Generator(PCG64)`` seeded by a
``SeedSequence`` of (seed, stream): the same seed gives the same snapshot on
any machine and numpy version that keeps PCG64's stream (numpy guarantees it).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field

from .._model import FrozenModel
from .channel_spec import ChannelSpec, LosChannels
from .model import LAYOUTS, Network
from .nodes import BaseStation, Target, User, Window
from .system import SystemParams

_STREAM_BS, _STREAM_USERS, _STREAM_TARGETS = 0, 1, 2


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    """Independent, reproducible generator for one purpose (``stream`` keys) of a seed: PCG64 seeded by
    ``SeedSequence([seed, *stream])``, built by ``default_rng`` (the same generator, a third faster to make:
    a large snapshot makes one per cross-link)."""
    return np.random.default_rng([seed, *stream])


class _NodeDefaults(FrozenModel):
    """Per-node settings shared by every generated BS, user and target."""

    seed: int = Field(0, ge=0, le=2**63 - 1)
    tx_antennas: int = Field(4, ge=1, le=1024)
    rx_antennas: int = Field(5, ge=1, le=1024)
    power_w: float = Field(1.0, gt=0, le=1e5)
    backhaul_bps: float | None = Field(None, ge=0, le=1e15)
    circuit_power_w: float = Field(0.0, ge=0, le=1e6)
    sinr_db: float | None = Field(None, ge=-50, le=80)
    receiver: Literal["type1", "type2"] = "type1"
    rcs_m2: float = Field(1.0, gt=0, le=1e6)

    def _bs(self, i: int, xy: np.ndarray) -> BaseStation:
        return BaseStation(
            id=f"bs{i}", position_m=(float(xy[0]), float(xy[1])), tx_antennas=self.tx_antennas,
            rx_antennas=self.rx_antennas, power_w=self.power_w, backhaul_bps=self.backhaul_bps,
            circuit_power_w=self.circuit_power_w,
        )

    def _users(self, xy: np.ndarray) -> list[User]:
        return [User(id=f"u{i}", position_m=(float(p[0]), float(p[1])), sinr_db=self.sinr_db, receiver=self.receiver)
                for i, p in enumerate(xy)]

    def _targets(self, xy: np.ndarray) -> list[Target]:
        return [Target(id=f"t{i}", position_m=(float(p[0]), float(p[1])), rcs_m2=self.rcs_m2) for i, p in enumerate(xy)]


def _far_from(points: np.ndarray, bs: np.ndarray, dmin: float) -> np.ndarray:
    """Mask of points at least ``dmin`` from every BS."""
    if len(points) == 0:
        return np.ones(0, dtype=bool)
    d = np.linalg.norm(points[:, None, :] - bs[None, :, :], axis=-1)
    return np.all(d >= dmin, axis=1)


class PoissonLayout(_NodeDefaults):
    """Homogeneous PPPs of BSs, users and targets over a square window.

    Users and targets fall in the window ``[-w/2, w/2]^2`` (``window_m`` = w);
    BSs fall in the window enlarged by ``guard_m`` on every side so that cells
    at the window's edge see the interference they would see inside a large
    network. The snapshot is conditioned on at least ``min_base_stations`` BSs
    (default one; redrawn from the same stream until met, which at the seed's
    densities and one BS has probability below 1e-3), and likewise on at least
    ``min_users`` users and ``min_targets`` targets. Points closer than
    ``min_distance_m`` to a BS are redrawn. With ``populate_guard`` users and targets
    fall over the guard band too: a guard BS then serves and probes its own nodes (it is
    loaded like any BS, SPEC.md section 10) instead of reaching into the window for the
    nearest ones, while only the window's nodes are measured.
    """

    kind: Literal["poisson"] = "poisson"
    window_m: float = Field(2000.0, gt=0, le=1e6, description="side of the square evaluation window [m]")
    guard_m: float = Field(500.0, ge=0, le=1e6, description="BS guard band around the window [m]")
    bs_per_km2: float = Field(1.0, gt=0, le=1e4)
    min_base_stations: int = Field(1, ge=1, le=1000, description="condition on at least this many BSs (redraw)")
    min_users: int = Field(0, ge=0, le=1000, description="condition on at least this many users in the window")
    min_targets: int = Field(0, ge=0, le=1000, description="condition on at least this many targets in the window")
    users_per_km2: float = Field(20.0, ge=0, le=1e5)
    targets_per_km2: float = Field(20.0, ge=0, le=1e5)
    populate_guard: bool = Field(False, description="drop users and targets over the guard band too (served and "
                                 "probed by the guard BSs, not measured): the edge BSs are loaded like the others")

    def _ppp(self, rng: np.random.Generator, density_km2: float, half: float) -> np.ndarray:
        n = rng.poisson(density_km2 * (2 * half) ** 2 / 1e6)
        return rng.uniform(-half, half, size=(n, 2))

    def generate(self, *, name: str = "poisson", description: str = "", system: SystemParams | dict | None = None,
                 channels: ChannelSpec | dict | None = None) -> Network:
        """Draw one Poisson network (seeded by ``seed``): BSs over the window plus the guard band, users
        and targets in the window, redrawn until the ``min_*`` counts hold; ``system`` and ``channels``
        as in a Network.
        """
        system = SystemParams.model_validate(system or {})
        half_w, half_b = self.window_m / 2, self.window_m / 2 + self.guard_m
        rng = rng_for(self.seed, _STREAM_BS)
        bs = self._ppp(rng, self.bs_per_km2, half_b)
        while len(bs) < self.min_base_stations:
            bs = self._ppp(rng, self.bs_per_km2, half_b)
        half_n = half_b if self.populate_guard else half_w
        users = self._drop(rng_for(self.seed, _STREAM_USERS), self.users_per_km2, half_n, bs, system.min_distance_m,
                           self.min_users)
        targets = self._drop(rng_for(self.seed, _STREAM_TARGETS), self.targets_per_km2, half_n, bs,
                             system.min_distance_m, self.min_targets)
        return Network(
            name=name, description=description, system=system, channels=channels or LosChannels(),
            base_stations=[self._bs(i, p) for i, p in enumerate(bs)], users=self._users(users),
            targets=self._targets(targets), window=Window(lower_m=(-half_w, -half_w), upper_m=(half_w, half_w)),
        )

    def _drop(self, rng: np.random.Generator, density: float, half: float, bs: np.ndarray, dmin: float,
              at_least: int = 0) -> np.ndarray:
        pts = self._ppp(rng, density, half)
        while len(pts) < at_least:  # conditioning on a count: redraw the whole process from the same stream
            pts = self._ppp(rng, density, half)
        bad = ~_far_from(pts, bs, dmin)
        while bad.any():  # redraw only the offending points (probability ~ density * pi dmin^2)
            pts[bad] = rng.uniform(-half, half, size=(int(bad.sum()), 2))
            bad = ~_far_from(pts, bs, dmin)
        return pts


def hex_grid(rings: int, isd_m: float) -> np.ndarray:
    """Centres of a hexagonal grid: 1 + 3 r (r + 1) sites, the first at the origin."""
    sites = [(0, 0)]
    for r in range(1, rings + 1):
        q, s = r, 0  # axial coordinates, walking the ring
        for dq, ds in [(-1, 1), (-1, 0), (0, -1), (1, -1), (1, 0), (0, 1)]:
            for _ in range(r):
                sites.append((q, s))
                q, s = q + dq, s + ds
    axial = np.array(sites, dtype=float)
    x = isd_m * (axial[:, 0] + axial[:, 1] / 2)
    y = isd_m * (math.sqrt(3) / 2) * axial[:, 1]
    return np.column_stack([x, y])


class HexagonalLayout(_NodeDefaults):
    """BSs on a hexagonal grid; users and targets uniform in each BS's hexagonal cell.

    ``rings`` = 0 gives one cell, 1 gives 7, 2 gives 19. The evaluation window
    is the bounding box of the grid.
    """

    kind: Literal["hexagonal"] = "hexagonal"
    rings: int = Field(1, ge=0, le=20)
    isd_m: float = Field(500.0, gt=0, le=1e6, description="inter-site distance [m]")
    users_per_cell: int = Field(3, ge=0, le=1000)
    targets_per_cell: int = Field(1, ge=0, le=1000)

    def _in_cell(self, rng: np.random.Generator, centre: np.ndarray, n: int, bs: np.ndarray, dmin: float) -> np.ndarray:
        """Uniform points in the hexagon (pointy side up, inradius isd/2) around ``centre``."""
        inradius = self.isd_m / 2
        circum = inradius * 2 / math.sqrt(3)
        out: list[np.ndarray] = []
        while len(out) < n:
            p = rng.uniform(-circum, circum, size=2)
            # hexagon with flat sides at +-inradius along the three axes 0, 60, 120 deg
            inside = all(abs(p @ np.array([math.cos(a), math.sin(a)])) <= inradius
                         for a in (0.0, math.pi / 3, 2 * math.pi / 3))
            if inside and _far_from((centre + p)[None, :], bs, dmin)[0]:
                out.append(centre + p)
        return np.array(out).reshape(-1, 2)

    def generate(self, *, name: str = "hexagonal", description: str = "", system: SystemParams | dict | None = None,
                 channels: ChannelSpec | dict | None = None) -> Network:
        """Draw the hexagonal network: sites on the grid, users and targets uniform in each hexagon
        (seeded by ``seed``); ``system`` and ``channels`` as in a Network.
        """
        system = SystemParams.model_validate(system or {})
        bs = hex_grid(self.rings, self.isd_m)
        ru, rt = rng_for(self.seed, _STREAM_USERS), rng_for(self.seed, _STREAM_TARGETS)
        dmin = system.min_distance_m
        users = np.concatenate([self._in_cell(ru, c, self.users_per_cell, bs, dmin) for c in bs])
        targets = np.concatenate([self._in_cell(rt, c, self.targets_per_cell, bs, dmin) for c in bs])
        pad = self.isd_m / 2
        lo, hi = bs.min(axis=0) - pad, bs.max(axis=0) + pad
        return Network(
            name=name, description=description, system=system, channels=channels or LosChannels(),
            base_stations=[self._bs(i, p) for i, p in enumerate(bs)], users=self._users(users),
            targets=self._targets(targets),
            window=Window(lower_m=(float(lo[0]), float(lo[1])), upper_m=(float(hi[0]), float(hi[1]))),
        )


# a layout section of a problem or sweep file: which one by its ``kind``
LayoutSpec = Annotated[Union[PoissonLayout, HexagonalLayout], Field(discriminator="kind")]
LAYOUTS.update(poisson=PoissonLayout, hexagonal=HexagonalLayout)  # for Network.poisson / Network.hexagonal

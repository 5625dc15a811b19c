"""BS-to-BS cross-link channels G_{b<-j} in C^{Nr_b x Nt_j} (SPEC.md section 2), made when first read.

A network of B BSs has B (B - 1) cross-links, and most metrics need few of them (a sensing SINR needs
the row of its receiving BS only; a closed-form design without nulls needs none). :class:`CrossLinks`
is indexed like the tuple of tuples it replaces, ``G[b][j]`` (``None`` for b == j), and makes a link
the first time it is read: line of sight a whole row at a time in one vectorised call
(:meth:`CrossLinkRow.stacked`; every row at once in a network of at most 64 BSs), Rayleigh links from
their own seeded stream (seed, 20, b, j) as before, so the numbers do not depend on which links were
read, or in what order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..network.layouts import rng_for
from ..network.seeded_streams import generators
from ..network.model import Network
from .arrays import azimuth, steering
from .comm import _cn, check_array
from .pathloss import path_gain, path_gain_of

_STREAM_CROSS = 20

Link = NDArray[np.complex128] | None
# what every reader accepts: a CrossLinks, or plain nested tuples (explicit arrays, a Channels.subset)
CrossLinksLike = Sequence[Sequence[Link]]


class CrossLinkRow(Sequence):
    """Row b of the cross-links: ``row[j]`` = G_{b<-j}, made on first read and kept."""

    def __init__(self, network: Network, b: int, los: "_LosRows | None" = None) -> None:
        self._network, self._b = network, b
        self._links: dict[int, Link] = {}
        self._stacked: NDArray[np.complex128] | None = None
        self._distance: NDArray[np.float64] | None = None
        self._los = los if los is not None else _LosRows(network)

    def __len__(self) -> int:
        return self._network.n_bs

    def __getitem__(self, j: int) -> Link:  # type: ignore[override]
        if not -len(self) <= j < len(self):
            raise IndexError(j)
        j %= len(self)
        if j == self._b:
            return None
        if j not in self._links:
            # line of sight comes from the vectorised row whenever there is one, so that a link reads the
            # same to the last bit whether it was asked alone or with its row
            row = self.stacked() if self._network.channels.crosslink == "los" else None
            self._links[j] = row[j] if row is not None else self._make(j)
        return self._links[j]

    def __iter__(self) -> Iterator[Link]:
        return (self[j] for j in range(len(self)))

    def stacked(self) -> NDArray[np.complex128] | None:
        """(B, Nr_b, Nt) with a zero block at b: the whole row as one array (None unless every BS has
        the same Nt). Line of sight: computed in one vectorised call."""
        if self._stacked is None:
            net = self._network
            nts = {bs.tx_antennas for bs in net.base_stations}
            if len(nts) != 1:
                return None
            if net.channels.crosslink == "los":
                self._stacked = self._los.row(self._b)
            else:
                rx = net.base_stations[self._b]
                self._stacked = np.zeros((net.n_bs, rx.rx_antennas, nts.pop()), dtype=complex)
                self._make_many([j for j in range(net.n_bs) if j != self._b and j not in self._links])
                for j in range(net.n_bs):
                    if j != self._b:
                        self._stacked[j] = self[j]
            self._stacked.flags.writeable = False
        return self._stacked

    def _distances(self) -> NDArray[np.float64]:
        """Distance from BS b to every BS, one array operation (np.hypot element by element: the same bits
        as one pair at a time)."""
        if self._distance is None:
            d = self._network.bs_positions[self._b] - self._network.bs_positions
            self._distance = np.hypot(d[:, 0], d[:, 1])
        return self._distance

    def _make(self, j: int) -> NDArray[np.complex128]:
        net, b = self._network, self._b
        rx, tx = net.base_stations[b], net.base_stations[j]
        amp = math.sqrt(path_gain_of(float(self._distances()[j]), net.system))
        if net.channels.crosslink == "los":
            a_r = steering(rx.rx_antennas, azimuth(rx.position_m, tx.position_m), np.deg2rad(rx.orientation_deg))
            a_t = steering(tx.tx_antennas, azimuth(tx.position_m, rx.position_m), np.deg2rad(tx.orientation_deg))
            g = amp * np.outer(a_r, a_t.conj())
        else:
            g = amp * _cn(rng_for(getattr(net.channels, "seed", 0), _STREAM_CROSS, b, j),
                          (rx.rx_antennas, tx.tx_antennas))
        g.flags.writeable = False
        return g

    def _make_many(self, js: list[int]) -> None:
        """Rayleigh links j of this row (equal transmit arrays): their generators seeded in one pass, each
        link's draw taken from its own, the arithmetic of ``_make`` on all of them at once (the same bits)."""
        if not js:
            return
        net, b = self._network, self._b
        seed = getattr(net.channels, "seed", 0)
        shape = (net.base_stations[b].rx_antennas, net.base_stations[js[0]].tx_antennas)
        n = shape[0] * shape[1]
        x = np.stack([g.standard_normal(2 * n) for g in generators([(seed, _STREAM_CROSS, b, j) for j in js])])
        amp = np.array([math.sqrt(path_gain_of(float(self._distances()[j]), net.system)) for j in js])
        links = amp[:, None, None] * ((x[:, :n] + 1j * x[:, n:]) / np.sqrt(2.0)).reshape(len(js), *shape)
        links.flags.writeable = False
        for j, g in zip(js, links):
            self._links[j] = g


class CrossLinks(Sequence):
    """``G[b][j]``: what BS j's transmitter leaks into BS b's receive array; ``None`` for b == j."""

    def __init__(self, network: Network) -> None:
        self._los = _LosRows(network)
        self._rows = tuple(CrossLinkRow(network, b, self._los) for b in range(network.n_bs))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, b: int) -> CrossLinkRow:  # type: ignore[override]
        return self._rows[b]

    def __iter__(self) -> Iterator[CrossLinkRow]:
        return iter(self._rows)

    def stacked_rows(self, receivers: Sequence[int]) -> NDArray[np.complex128] | None:
        """(R, B, Nr, Nt): the rows of ``receivers`` (:meth:`CrossLinkRow.stacked`) as one array; None unless every
        BS has the same arrays."""
        every = self._los.every_row()
        if every is not None:
            return every[np.asarray(receivers, dtype=np.int64)]
        rows = [self._rows[b].stacked() for b in receivers]
        return None if any(r is None for r in rows) or len({r.shape for r in rows}) != 1 else np.stack(rows)


class _LosRows:
    """Line-of-sight rows of one network: in a small network (at most ``ALL_AT_ONCE`` BSs, equal receive
    arrays) every row in one array operation at the first read, since a closed-form evaluation reads most
    of them (a CRLB with interference reads every cluster receiver's); in a large one row by row."""

    ALL_AT_ONCE = 64

    def __init__(self, network: Network) -> None:
        self._network = network
        self._all: NDArray[np.complex128] | None = None
        self._at_once = network.channels.crosslink == "los" and network.n_bs <= self.ALL_AT_ONCE \
            and network.uniform_antennas

    def row(self, b: int) -> NDArray[np.complex128]:
        """(B, Nr_b, Nt), zero at b (equal transmit arrays)."""
        every = self.every_row()
        return every[b] if every is not None else _los_rows(self._network, np.array([b]))[0]

    def every_row(self) -> NDArray[np.complex128] | None:
        """(B, B, Nr, Nt), read-only: every row, made at the first read; None in a large network, with unequal
        arrays, or when the cross-links are not line of sight."""
        if self._all is None and self._at_once:
            self._all = _los_rows(self._network, np.arange(self._network.n_bs))
            self._all.flags.writeable = False
        return self._all


def _los_rows(network: Network, receivers: NDArray[np.int64]) -> NDArray[np.complex128]:
    """(R, B, Nr, Nt): every line-of-sight link into each BS of ``receivers`` (the formula of ``_make``, all
    transmitters j at once, element by element, so a row reads the same whether made alone or with the
    others), zero where j is the receiver."""
    pos = network.bs_positions
    psi = np.deg2rad([bs.orientation_deg for bs in network.base_stations])
    nt = network.base_stations[0].tx_antennas
    nr = network.base_stations[int(receivers[0])].rx_antennas
    at = pos[receivers][:, None, :]  # (R, 1, 2) against every BS (1, B, 2)
    diff = at - pos[None, :, :]
    amp = np.sqrt(path_gain(np.hypot(diff[..., 0], diff[..., 1]), network.system))  # (R, B)
    a_r = steering(nr, azimuth(at, pos[None, :, :]), psi[receivers][:, None, None])  # (R, B, Nr)
    a_t = steering(nt, azimuth(pos[None, :, :], at), psi[None, :, None])  # (R, B, Nt)
    rows = amp[..., None, None] * (a_r[..., :, None] * a_t.conj()[..., None, :])
    rows[np.arange(len(receivers)), receivers] = 0.0
    return rows


def stacked_row(crosslink: CrossLinksLike, b: int) -> NDArray[np.complex128] | None:
    """Row b as one (B, Nr_b, Nt) array (zero at b), from a CrossLinks or nested tuples; None when the
    transmit arrays differ in size."""
    row = crosslink[b]
    if isinstance(row, CrossLinkRow):
        return row.stacked()
    links = [g for g in row if g is not None]
    if not links:
        return None
    if len({g.shape for g in links}) != 1:
        return None
    zero = np.zeros_like(links[0])
    return np.stack([zero if g is None else g for g in row])


def stacked_rows(crosslink: CrossLinksLike, receivers: Sequence[int]) -> NDArray[np.complex128] | None:
    """(R, B, Nr, Nt): :func:`stacked_row` of each of ``receivers`` in one array; None unless they all have one
    and of one shape."""
    if isinstance(crosslink, CrossLinks):
        return crosslink.stacked_rows(receivers)
    rows = [stacked_row(crosslink, b) for b in receivers]
    return None if any(r is None for r in rows) or len({r.shape for r in rows}) != 1 else np.stack(rows)


def crosslink_channels(network: Network) -> CrossLinksLike:
    """``G[b][j]`` of ``network``: the explicit arrays when given, else links made on first read."""
    spec = network.channels
    given = spec.crosslink_array if spec.model == "explicit" else None
    if given is not None:
        return _explicit(network, given)
    return CrossLinks(network)


def _explicit(network: Network, arr: object) -> CrossLinksLike:
    if not network.uniform_antennas:
        raise ValidationError([("channels.crosslink", "an explicit cross-link array needs equal Nt and Nr at every BS")])
    bs0 = network.base_stations[0]
    a = check_array("channels.crosslink", arr, (network.n_bs, network.n_bs, bs0.rx_antennas, bs0.tx_antennas),
                    "n_bs receiving, n_bs transmitting, Nr, Nt")
    return tuple(tuple(None if b == j else a[b, j] for j in range(network.n_bs)) for b in range(network.n_bs))

"""All that the radio sees of a snapshot, derived once into plain arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..network.model import Network
from ..shared_arrays import read_only
from .arrays import azimuth, steering, steering_derivative
from .comm import comm_channels, eavesdropper_channels
from .crosslink import CrossLinksLike, crosslink_channels
from .pathloss import radar_gain


@dataclass(frozen=True, eq=False)
class Channels:
    """Derived channels and target geometry of one snapshot (SI units).

    Shapes (B BSs, K users, T targets, Nt_b / Nr_b antennas of BS b):

    - ``comm[b]``: (K, Nt_b), row k is h_{b,k} (received signal h^H x)
    - ``crosslink[b][j]``: (Nr_b, Nt_j), G_{b<-j}; ``None`` for b == j
    - ``target_distance_m``, ``target_azimuth``: (B, T), from BS b to target t
    - ``radar_gain``: (B, B, T), G(d_it, d_jt) of the path BS i -> t -> BS j (RCS included)
    - ``tx_steering[b]`` / ``tx_steering_dot[b]``: (T, Nt_b), a_Nt(phi_bt) and d/dphi
    - ``rx_steering[b]`` / ``rx_steering_dot[b]``: (T, Nr_b)
    - ``eve[b]``: (E, Nt_b), row e is g_{b,e}, the channel to eavesdropper e
    - ``eve_steering[b]``: (E, Nt_b), a_Nt toward eavesdropper e (sensing privacy caps)
    """

    comm: tuple[NDArray[np.complex128], ...]
    crosslink: CrossLinksLike  # a CrossLinks (links made on first read) or nested tuples
    target_distance_m: NDArray[np.float64]
    target_azimuth: NDArray[np.float64]
    radar_gain: NDArray[np.float64]
    tx_steering: tuple[NDArray[np.complex128], ...]
    tx_steering_dot: tuple[NDArray[np.complex128], ...]
    rx_steering: tuple[NDArray[np.complex128], ...]
    rx_steering_dot: tuple[NDArray[np.complex128], ...]
    noise_w: float
    eve: tuple[NDArray[np.complex128], ...] = ()  # per BS b: (E, Nt_b), row e is g_{b,e} (eavesdroppers)
    eve_steering: tuple[NDArray[np.complex128], ...] = ()  # per BS b: (E, Nt_b), a_Nt toward each eavesdropper

    @property
    def n_bs(self) -> int:
        """Number of base stations B."""
        return len(self.comm)

    def stacked(self, name: str) -> NDArray | None:
        """The per-BS arrays of field ``name`` (``comm``, ``tx_steering``, ...) as one read-only (B, ...) array when
        every BS's has the same shape, else None: made once per Channels (several metrics batch over BSs)."""
        cache = self.__dict__.setdefault("_stacked", {})
        if name not in cache:
            parts = getattr(self, name)
            cache[name] = read_only(np.stack(parts)) if parts and len({p.shape for p in parts}) == 1 else None
        return cache[name]

    def subset(self, bss: list[int], users: list[int], targets: list[int]) -> "Channels":
        """The channels of some BSs, users and targets (in the order given)."""
        return Channels(
            comm=tuple(self.comm[b][users] for b in bss),
            crosslink=self.crosslink if list(bss) == list(range(self.n_bs)) else  # every BS: links stay lazy
            tuple(tuple(self.crosslink[b][j] for j in bss) for b in bss),
            target_distance_m=self.target_distance_m[np.ix_(bss, targets)],
            target_azimuth=self.target_azimuth[np.ix_(bss, targets)],
            radar_gain=self.radar_gain[np.ix_(bss, bss, targets)],
            tx_steering=tuple(self.tx_steering[b][targets] for b in bss),
            tx_steering_dot=tuple(self.tx_steering_dot[b][targets] for b in bss),
            rx_steering=tuple(self.rx_steering[b][targets] for b in bss),
            rx_steering_dot=tuple(self.rx_steering_dot[b][targets] for b in bss),
            noise_w=self.noise_w,
            eve=tuple(self.eve[b] for b in bss) if self.eve else (),
            eve_steering=tuple(self.eve_steering[b] for b in bss) if self.eve_steering else (),
        )


def derive_channels(network: Network) -> Channels:
    """Compute every channel and geometric quantity of ``network`` once."""
    bs = network.bs_positions
    tg = network.target_positions
    dist = np.linalg.norm(tg[None, :, :] - bs[:, None, :], axis=-1)  # (B, T)
    phi = azimuth(bs[:, None, :], tg[None, :, :]).reshape(network.n_bs, network.n_targets)
    rcs = np.array([t.rcs_m2 for t in network.targets], dtype=float)
    gain = radar_gain(dist[:, None, :], dist[None, :, :], rcs[None, None, :], network.system)
    psi = [np.deg2rad(b.orientation_deg) for b in network.base_stations]
    (tx, tx_dot, rx, rx_dot), stacks = _tx_rx_steering(network, phi, psi)
    channels = Channels(
        comm=comm_channels(network),
        crosslink=crosslink_channels(network),
        target_distance_m=dist,
        target_azimuth=phi,
        radar_gain=gain,
        tx_steering=tx,
        tx_steering_dot=tx_dot,
        rx_steering=rx,
        rx_steering_dot=rx_dot,
        noise_w=network.system.noise_w,
        eve=eavesdropper_channels(network),
        eve_steering=tuple(steering(b.tx_antennas, azimuth(b.position_m, network.eavesdropper_positions), psi[i])
                           .reshape(network.n_eavesdroppers, b.tx_antennas) if network.n_eavesdroppers else
                           np.zeros((0, b.tx_antennas), complex) for i, b in enumerate(network.base_stations)),
    )
    # the (B, T, N) arrays the steering tuples are rows of: what Channels.stacked would copy them back into
    channels.__dict__["_stacked"] = {name: read_only(a) for name, a in stacks.items()}
    return channels


def _tx_rx_steering(network: Network, phi: NDArray[np.float64], psi: list[float]):
    """:func:`_per_bs` of the transmit and the receive arrays, and (equal arrays) the (B, T, N) arrays whose rows
    they are. When every BS has the same counts, both come
    from one array of the larger count: a_N's first n entries are a_n's (the same phases, elementwise), so
    each is a slice of it, copied to be contiguous (cos, sin and the derivative once, not twice)."""
    tx = {b.tx_antennas for b in network.base_stations}
    rx = {b.rx_antennas for b in network.base_stations}
    if len(tx) != 1 or len(rx) != 1:
        return (*_per_bs(network, phi, psi, "tx_antennas"), *_per_bs(network, phi, psi, "rx_antennas")), {}
    nt, nr = tx.pop(), rx.pop()
    orient = np.array(psi)[:, None, None]  # against phi[..., None] of shape (B, T, 1)
    a = steering(max(nt, nr), phi, orient)  # (B, T, N)
    a_dot = steering_derivative(max(nt, nr), phi, orient, a)

    def first(x: NDArray[np.complex128], n: int) -> NDArray[np.complex128]:
        return np.ascontiguousarray(x[..., :n]) if n < x.shape[-1] else x

    stacks = {"tx_steering": first(a, nt), "tx_steering_dot": first(a_dot, nt), "rx_steering": first(a, nr),
              "rx_steering_dot": first(a_dot, nr)}
    return tuple(tuple(x) for x in stacks.values()), stacks


def _per_bs(network: Network, phi: NDArray[np.float64], psi: list[float], antennas: str):
    """Per BS b, the steering vectors toward every target and their derivatives, (T, N_b) each: one
    array operation over all BSs when they have the same number of antennas (the usual case)."""
    counts = {getattr(b, antennas) for b in network.base_stations}
    if len(counts) == 1:
        n = counts.pop()
        orient = np.array(psi)[:, None, None]  # against phi[..., None] of shape (B, T, 1)
        a = steering(n, phi, orient)  # (B, T, N)
        return tuple(a), tuple(steering_derivative(n, phi, orient, a))
    a = [steering(getattr(b, antennas), phi[i], psi[i]) for i, b in enumerate(network.base_stations)]
    return (tuple(a), tuple(steering_derivative(getattr(b, antennas), phi[i], psi[i], a[i])
                            for i, b in enumerate(network.base_stations)))

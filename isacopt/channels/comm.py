"""BS-to-user channels h_{b,k} (SPEC.md section 2)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..network.seeded_streams import generators
from ..network.model import Network
from .arrays import azimuth, steering
from .pathloss import path_gain

_STREAM_COMM, _STREAM_PHASE = 10, 11
_STREAM_EVE, _STREAM_EVE_PHASE = 12, 13  # eavesdroppers: their own streams, the users' draws unchanged


def _cn(rng: np.random.Generator, shape: tuple[int, ...]) -> NDArray[np.complex128]:
    """i.i.d. CN(0, 1) samples: real parts, then imaginary parts, from one draw (the same numbers as two)."""
    n = math.prod(shape)
    x = rng.standard_normal(2 * n)
    return ((x[:n] + 1j * x[n:]) / np.sqrt(2.0)).reshape(shape)


def comm_channels(network: Network) -> tuple[NDArray[np.complex128], ...]:
    """Per BS b, an (n_users, Nt_b) array whose row k is h_{b,k}."""
    if network.channels.model == "explicit":
        return explicit_comm(network)
    return _drawn(network, network.user_positions, _STREAM_COMM, _STREAM_PHASE)


def eavesdropper_channels(network: Network) -> tuple[NDArray[np.complex128], ...]:
    """Per BS b, an (n_eve, Nt_b) array whose row e is g_{b,e}: derived like the users' channels (the same
    model, their own random streams), or the explicit file's ``eve``."""
    if network.n_eavesdroppers == 0:  # nothing to draw (and no stream touched)
        return tuple(np.zeros((0, b.tx_antennas), complex) for b in network.base_stations)
    if network.channels.model != "explicit":
        return _drawn(network, network.eavesdropper_positions, _STREAM_EVE, _STREAM_EVE_PHASE)
    spec = network.channels
    if spec.eve is None:
        raise ValidationError([("channels.file", "explicit channels with eavesdroppers need their channels too: "
                                "an 'eve' array of shape (n_bs, n_eve, Nt) in the file (or from_arrays(eve=...))")])
    a = check_array("channels.eve", spec.eve, (network.n_bs, network.n_eavesdroppers,
                                                network.base_stations[0].tx_antennas), "n_bs, n_eve, Nt")
    return tuple(a[b] for b in range(network.n_bs))


def _drawn(network: Network, positions: NDArray[np.float64], stream: int, phase_stream: int):
    spec = network.channels
    n = len(positions)
    out = []
    amps, steers = _geometry(network, positions)
    n_bs = network.n_bs
    # both streams' generators in one call: their seeds are hashed in one vectorised pass
    keys = ([(spec.seed, stream, b) for b in range(n_bs)] if spec.model != "los" else []) + \
        ([(spec.seed, phase_stream, b) for b in range(n_bs)] if spec.model == "rician" else [])
    made = generators(keys)
    draws, phases = (made[:n_bs], made[n_bs:]) if spec.model != "los" else ([], [])
    if not isinstance(amps, list):  # equal arrays: each BS's draws from its own stream, the arithmetic at once
        return tuple(_combined(spec, amps, steers, draws, phases, n))
    for b, bs in enumerate(network.base_stations):
        nt = bs.tx_antennas
        amp, los = amps[b], steers[b]
        if spec.model == "los":
            h = amp * los
        elif spec.model == "rayleigh":
            h = amp * _cn(draws[b], (n, nt))
        else:  # rician
            kappa = spec.k_factor
            theta = phases[b].uniform(0, 2 * np.pi, size=(n, 1))
            nlos = _cn(draws[b], (n, nt))
            h = amp * (np.sqrt(kappa / (1 + kappa)) * los * np.exp(1j * theta) + np.sqrt(1 / (1 + kappa)) * nlos)
        out.append(h.reshape(n, nt))
    return tuple(out)


def _combined(spec, amp: NDArray[np.float64], los: NDArray[np.complex128], draws: list, phases: list,
              n: int) -> NDArray[np.complex128]:
    """(B, n, Nt): the loop of :func:`_drawn` for equal arrays, element for element the same arithmetic (and
    bits): every BS's draws written into one array, then one expression for all of them (``uniform(0, 2 pi)``
    is ``2 pi`` times ``random()``, bit for bit)."""
    n_bs, nt = los.shape[0], los.shape[-1]
    if spec.model == "los":
        return amp * los
    m = n * nt
    x = np.empty((n_bs, 2 * m))
    for b, rng in enumerate(draws):
        rng.standard_normal(out=x[b])
    nlos = ((x[:, :m] + 1j * x[:, m:]) / np.sqrt(2.0)).reshape(n_bs, n, nt)  # _cn's arithmetic
    if spec.model == "rayleigh":
        return amp * nlos
    kappa = spec.k_factor
    u = np.empty((n_bs, n, 1))
    for b, rng in enumerate(phases):
        rng.random(out=u[b, :, 0])
    theta = 2 * np.pi * u
    return amp * (np.sqrt(kappa / (1 + kappa)) * los * np.exp(1j * theta) + np.sqrt(1 / (1 + kappa)) * nlos)


def _geometry(network: Network, positions: NDArray[np.float64]):
    """Per BS, the amplitude sqrt(path gain) (n, 1) and the LoS steering vectors (n, Nt_b) toward every
    position: one array operation over all BSs when they have the same number of antennas (the usual case)."""
    bss = network.base_stations
    counts = {b.tx_antennas for b in bss}
    if len(counts) == 1 and len(positions):
        at = network.bs_positions
        d = np.linalg.norm(positions[None, :, :] - at[:, None, :], axis=-1)  # (B, n)
        amp = np.sqrt(path_gain(d, network.system))[..., None]
        psi = np.deg2rad([b.orientation_deg for b in bss])[:, None, None]
        return amp, steering(counts.pop(), azimuth(at[:, None, :], positions[None, :, :]), psi)
    amps, steers = [], []
    for bs in bss:
        d = np.linalg.norm(positions - np.asarray(bs.position_m), axis=-1)
        amps.append(np.sqrt(path_gain(d, network.system))[:, None])
        steers.append(steering(bs.tx_antennas, azimuth(bs.position_m, positions), np.deg2rad(bs.orientation_deg)))
    return amps, steers


def check_array(name: str, arr: object, shape: tuple[int, ...], axes: str) -> NDArray[np.complex128]:
    """Validate a user-supplied channel array: numeric, the expected shape, finite."""
    a = np.asarray(arr)
    if a.dtype.kind not in "biufc":
        raise ValidationError([(name, f"must be a numeric (complex) array, got dtype {a.dtype}")])
    if a.shape != shape:
        raise ValidationError([(name, f"shape must be {shape} ({axes}, in the order of the lists), got {a.shape}")])
    if not np.all(np.isfinite(a)):
        raise ValidationError([(name, f"contains {int(np.sum(~np.isfinite(a)))} NaN or infinite entries")])
    return a.astype(np.complex128)


def explicit_comm(network: Network) -> tuple[NDArray[np.complex128], ...]:
    spec = network.channels
    nts = {b.tx_antennas for b in network.base_stations}
    if len(nts) != 1:
        raise ValidationError([("channels", "explicit channels need the same tx_antennas at every BS")])
    if spec.comm is None:
        raise ValidationError([("channels.file", "explicit channel arrays were not loaded; load the problem "
                                "with isacopt.io.load_problem or use ExplicitChannels.from_arrays")])
    a = check_array("channels.comm", spec.comm, (network.n_bs, network.n_users, nts.pop()),
                    "n_bs, n_users, Nt")
    return tuple(a[b] for b in range(network.n_bs))

"""BS-to-user channels h_{b,k} (SPEC.md section 2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..network.layouts import rng_for
from ..network.model import Network
from .arrays import azimuth, steering
from .pathloss import path_gain

_STREAM_COMM, _STREAM_PHASE = 10, 11


def _cn(rng: np.random.Generator, shape: tuple[int, ...]) -> NDArray[np.complex128]:
    """i.i.d. CN(0, 1) samples."""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2.0)


def comm_channels(network: Network) -> tuple[NDArray[np.complex128], ...]:
    """Per BS b, an (n_users, Nt_b) array whose row k is h_{b,k}."""
    spec = network.channels
    if spec.model == "explicit":
        return explicit_comm(network)
    users = network.user_positions
    out = []
    for b, bs in enumerate(network.base_stations):
        nt = bs.tx_antennas
        d = np.linalg.norm(users - np.asarray(bs.position_m), axis=-1)
        amp = np.sqrt(path_gain(d, network.system))[:, None]
        los = steering(nt, azimuth(bs.position_m, users), np.deg2rad(bs.orientation_deg))
        if spec.model == "los":
            h = amp * los
        elif spec.model == "rayleigh":
            h = amp * _cn(rng_for(spec.seed, _STREAM_COMM, b), (network.n_users, nt))
        else:  # rician
            kappa = spec.k_factor
            theta = rng_for(spec.seed, _STREAM_PHASE, b).uniform(0, 2 * np.pi, size=(network.n_users, 1))
            nlos = _cn(rng_for(spec.seed, _STREAM_COMM, b), (network.n_users, nt))
            h = amp * (np.sqrt(kappa / (1 + kappa)) * los * np.exp(1j * theta) + np.sqrt(1 / (1 + kappa)) * nlos)
        out.append(h.reshape(network.n_users, nt))
    return tuple(out)


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

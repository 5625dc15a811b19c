"""Closed-form baseline designs (SPEC.md section 9): MRT, ZF, regularised ZF.

Each BS serves the users whose serving-cluster head it is (single-BS service),
gives a fraction ``comm_fraction`` of its budget to the data beams, split
equally between its users, and the rest to the sensing signal: ``isotropic``
(R0 = p/Nt I), ``directional`` (equal power toward every target whose sensing
cluster contains the BS: a multistatic transmitter illuminates it too) or
``none``. A BS with no users (or no targets) spends its whole budget on the
other function.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .association import Association
from .channels.derive import Channels
from .design import TransmitDesign
from .errors import DegreesOfFreedomError, ValidationError
from .network.model import Network

Precoder = Literal["mrt", "zf", "rzf"]
SensingShape = Literal["isotropic", "directional", "none"]


def _directions(network: Network, channels: Channels, association: Association, b: int, rule: Precoder) -> NDArray:
    """Unit-norm beam directions (Nt, K_b) of BS b's own users."""
    users = [k for k, c in enumerate(association.serving) if c and c[0] == b]
    nt = network.base_stations[b].tx_antennas
    hh = channels.comm[b][users].conj()  # rows h_k^H, (K_b, Nt)
    if rule == "mrt":
        w = hh.conj().T
    elif rule == "zf":
        if len(users) > nt:
            raise DegreesOfFreedomError([(f"base_stations[{b}]", f"zero-forcing {len(users)} users needs at least "
                                          f"as many tx antennas, Nt = {nt}")])
        w = np.linalg.pinv(hh)  # = H^H (H H^H)^{-1} for full row rank: H w = I
    elif rule == "rzf":
        p = network.base_stations[b].power_w
        reg = len(users) * channels.noise_w / p
        # push-through form H (H^H H + reg I)^{-1}: a K_b x K_b solve, stable as reg -> 0
        w = hh.conj().T @ np.linalg.inv(hh @ hh.conj().T + reg * np.eye(len(users)))
    else:
        raise ValidationError([("precoder", f"must be 'mrt', 'zf' or 'rzf', got {rule!r}")])
    norms = np.linalg.norm(w, axis=0)
    return users, w / np.where(norms > 0, norms, 1.0)


def _sensing(network: Network, channels: Channels, association: Association, b: int, power: float,
             shape: SensingShape) -> NDArray:
    nt = network.base_stations[b].tx_antennas
    if shape == "isotropic" or power == 0:
        return power / nt * np.eye(nt, dtype=complex)
    targets = [t for t, c in enumerate(association.sensing) if b in c]  # every target it helps sense
    if shape == "directional" and targets:
        a = channels.tx_steering[b][targets]  # (T_b, Nt)
        return power / (len(targets) * nt) * (a.T @ a.conj())  # sum_t a a^H, each ||a||^2 = Nt
    return power / nt * np.eye(nt, dtype=complex)


def baseline_design(network: Network, channels: Channels, *, precoder: Precoder = "mrt",
                    comm_fraction: float = 0.5, sensing: SensingShape = "isotropic",
                    association: Association | None = None) -> TransmitDesign:
    """Closed-form design with equal power splitting; every BS spends its full budget."""
    if not 0.0 <= comm_fraction <= 1.0:
        raise ValidationError([("comm_fraction", f"must be in [0, 1], got {comm_fraction}")])
    if sensing not in ("isotropic", "directional", "none"):
        raise ValidationError([("sensing", f"must be 'isotropic', 'directional' or 'none', got {sensing!r}")])
    assoc = (association or Association.nearest(network)).validate_for(network, allow_unserved=True)
    beams, covs = [], []
    for b, bs in enumerate(network.base_stations):
        users, w = _directions(network, channels, assoc, b, precoder)
        has_targets = any(b in c for c in assoc.sensing)
        frac = comm_fraction if users and (has_targets or sensing == "isotropic") else (1.0 if users else 0.0)
        if sensing == "none":
            frac = 1.0 if users else 0.0
        full = np.zeros((bs.tx_antennas, network.n_users), dtype=complex)
        if users:
            full[:, users] = w * np.sqrt(frac * bs.power_w / len(users))
        beams.append(full)
        covs.append(_sensing(network, channels, assoc, b, (1.0 - frac) * bs.power_w, sensing) if sensing != "none"
                    else np.zeros((bs.tx_antennas,) * 2, dtype=complex))
    return TransmitDesign(tuple(beams), tuple(covs))


def mrt(network: Network, channels: Channels, **kwargs: object) -> TransmitDesign:
    """Maximum-ratio transmission to each BS's own users; see :func:`baseline_design`."""
    return baseline_design(network, channels, precoder="mrt", **kwargs)  # type: ignore[arg-type]


def zero_forcing(network: Network, channels: Channels, **kwargs: object) -> TransmitDesign:
    """Intra-cell zero-forcing (h_{b,k}^H w_{b,j} = 0 for j != k in the cell); see :func:`baseline_design`."""
    return baseline_design(network, channels, precoder="zf", **kwargs)  # type: ignore[arg-type]


def regularized_zf(network: Network, channels: Channels, **kwargs: object) -> TransmitDesign:
    """Regularised ZF (MMSE-like, regulariser K sigma^2 / P); see :func:`baseline_design`."""
    return baseline_design(network, channels, precoder="rzf", **kwargs)  # type: ignore[arg-type]

"""Eavesdroppers: the SINR of each user's data at each eavesdropper, and the secrecy rates."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..channels.arrays import quadratic_forms
from ..channels.derive import Channels
from ..design import TransmitDesign
from ..network.model import Network
from .comm import JointTransmission, sensing_power_at, stream_powers_at


def eavesdropper_sinr(network: Network, channels: Channels, design: TransmitDesign,
                      joint: JointTransmission = "coherent") -> NDArray[np.float64]:
    """S[e, k]: linear SINR of user k's data at eavesdropper e (E, K). Every other stream and every sensing
    signal is interference at the eavesdropper (the sensing signal doubles as artificial noise); joint
    transmission adds the copies of a stream as at a user (``joint``)."""
    if network.n_eavesdroppers == 0 or network.n_users == 0:
        return np.zeros((network.n_eavesdroppers, network.n_users))
    p = stream_powers_at(channels.eve, design, joint)  # (E, K)
    noise = p.sum(axis=1, keepdims=True) - p + sensing_power_at(channels.eve, design)[:, None] + channels.noise_w
    return p / noise


def eavesdropper_beampattern(channels: Channels, design: TransmitDesign) -> NDArray[np.float64]:
    """G[b, e] = a_b(phi_be)^H R_b a_b(phi_be): BS b's transmit beampattern gain toward eavesdropper e [W]."""
    if not channels.eve_steering or channels.eve_steering[0].shape[0] == 0:
        return np.zeros((len(design.sensing), 0))
    return np.array([np.real(quadratic_forms(a, design.covariance(b)))
                     for b, a in enumerate(channels.eve_steering)])


def secrecy_rates(user_sinr: NDArray[np.float64], eve_sinr: NDArray[np.float64]) -> NDArray[np.float64]:
    """R[e, k] = max(0, log2(1 + SINR_k) - log2(1 + SINR_{e,k})) [bit/s/Hz]: user k's secrecy rate against
    eavesdropper e."""
    return np.maximum(0.0, np.log2(1.0 + np.asarray(user_sinr))[None, :] - np.log2(1.0 + np.asarray(eve_sinr)))

"""A robust SINR margin from the prediction covariance, calibrated by sampling (a scenario approach).

The designer knows each user's predicted position ``N(mu, Sigma)`` and the channel *model* (line of
sight, Rician K-factor, Rayleigh), not the channel. For a design, user k's SINR is drawn over positions
from the prediction and fading from the model; the margin raises k's SINR target until the
``outage``-quantile of those draws reaches the target. The draws are fixed within a frame (common random
numbers), so successive designs are compared on the same channels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..channels.arrays import azimuth, steering
from ..channels.pathloss import path_gain
from ..design import TransmitDesign
from ..metrics.comm import JointTransmission, sensing_power_at, stream_powers_at
from ..network.channel_spec import ChannelSpec
from ..network.nodes import BaseStation
from ..network.system import SystemParams


@dataclass(frozen=True)
class PredictedChannels:
    """Draws of one user's channels: ``rows[b]`` (S, Nt_b) from BS b."""

    rows: tuple[NDArray[np.complex128], ...]


def draw_channels(bss: tuple[BaseStation, ...], system: SystemParams, spec: ChannelSpec, mean: NDArray[np.float64],
                  cov: NDArray[np.float64], samples: int, rng: np.random.Generator) -> PredictedChannels:
    """``samples`` channel draws of a user at ``N(mean, cov)`` under the channel model ``spec``."""
    chol = np.linalg.cholesky(cov + 1e-12 * np.eye(2))
    pos = mean[None, :] + rng.standard_normal((samples, 2)) @ chol.T
    rows = []
    for bs in bss:
        d = np.linalg.norm(pos - np.asarray(bs.position_m), axis=1)
        amp = np.sqrt(path_gain(d, system))[:, None]
        los = steering(bs.tx_antennas, azimuth(bs.position_m, pos), np.deg2rad(bs.orientation_deg))
        nlos = (rng.standard_normal(los.shape) + 1j * rng.standard_normal(los.shape)) / np.sqrt(2.0)
        if spec.model == "rayleigh":
            h = amp * nlos
        elif spec.model == "rician":
            kappa = spec.k_factor
            phase = np.exp(1j * rng.uniform(0, 2 * np.pi, (samples, 1)))
            h = amp * (np.sqrt(kappa / (1 + kappa)) * los * phase + np.sqrt(1 / (1 + kappa)) * nlos)
        else:
            h = amp * los
        rows.append(h)
    return PredictedChannels(tuple(rows))


def sampled_sinr_db(draws: PredictedChannels, design: TransmitDesign, k: int, noise_w: float, type1: bool,
                    joint: JointTransmission = "coherent") -> NDArray[np.float64]:
    """(S,): user k's SINR [dB] with ``design`` over the channel draws."""
    p = stream_powers_at(draws.rows, design, joint)
    signal = p[:, k]
    inter = p.sum(axis=1) - signal + (sensing_power_at(draws.rows, design) if type1 else 0.0)
    return 10 * np.log10(np.maximum(signal, 1e-300) / (inter + noise_w))


def shortfall_db(draws: list[PredictedChannels], design: TransmitDesign, targets_db: NDArray[np.float64],
                 outage: float, noise_w: float, type1: list[bool], joint: JointTransmission) -> NDArray[np.float64]:
    """Per user, target minus the ``outage``-quantile of its sampled SINR [dB] (> 0: the margin is short)."""
    return np.array([targets_db[k] - np.quantile(sampled_sinr_db(d, design, k, noise_w, type1[k], joint), outage)
                     for k, d in enumerate(draws)])

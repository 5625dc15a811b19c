"""Scaling laws of cooperative localisation with the number N of cooperating BSs (SPEC.md 5.3-5.4, 11).

Same Poisson networks as :mod:`isacopt.studies.crlb_scaling` (a target at the origin, its N nearest
BSs each beaming its whole power at it, equal powers, closed form), for four kinds of information:

- ``range``: multistatic time of arrival (SPEC 5.4), every pair. FIM ~ (sum_i d_i^-alpha)^2 up to the
  geometry; for a PPP the k-th nearest BS is at ~sqrt(k), so with alpha = 2 the sum is harmonic and
  the CRLB falls like 1 / ln^2 N; with alpha > 2 the sum converges and the CRLB saturates.
- ``angle``: angle only, each BS estimating the azimuth of its own echo (SPEC 5.3, ``angle_information``
  with the range terms dropped). Each term ~ d_i^{-2 alpha - 2}: the sum converges for every alpha,
  so the CRLB saturates after the first few BSs.
- ``hybrid``: ``range`` plus ``angle`` (what ``angle_information: true`` gives a multistatic cluster).
- ``angle_bistatic``: the angle of arrival at every receiver j of every transmitter i's echo, each
  pair with the receive-side information ``2 L G(d_i, d_j) g_i (|adot_r|^2 - |adot_r^H a_r|^2 / Nr)
  / sigma^2`` mapped by e_perp,j e_perp,j^T / d_j^2 (the receiver treats the transmit gain as known).
  FIM ~ (sum_i d_i^-alpha) (sum_j d_j^{-alpha-2}): 1 / ln N at alpha = 2. This is *not* a model the
  solvers optimise (isacopt's angle information is monostatic); it is here to show what the
  ln N law of angle-only localisation needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..channels.derive import derive_channels
from ..design import TransmitDesign
from ..metrics.position_crlb import angle_geometry, crlb_from_fim, position_fim
from ..network.layouts import rng_for
from ..network.model import Network
from ..network.system import SystemParams

Information = Literal["range", "angle", "hybrid", "angle_bistatic"]
INFORMATION = ("range", "angle", "hybrid", "angle_bistatic")


@dataclass(frozen=True)
class LawResult:
    """CRLB(N) of one kind of information at one path-loss exponent, over the same networks for every N.

    The statistic is the median: the mean of a CRLB is ruled by the few networks whose nearest BSs are
    nearly collinear with the target (its 95 % interval stays at 20-50 % of the mean with hundreds of
    networks), while the median follows the laws of the typical network."""

    n: np.ndarray               # cluster sizes
    information: str
    pathloss_exponent: float
    median_crlb_m2: np.ndarray  # per N
    ci95_low_m2: np.ndarray     # distribution-free 95 % interval of the median (order statistics)
    ci95_high_m2: np.ndarray
    finite: np.ndarray          # fraction of networks with a finite CRLB, per N
    seeds: int

    def ln_exponent(self, n_min: int = 8) -> float:
        """p of the least-squares fit log CRLB = c - p log ln N over N >= n_min: 2 for the ln^2 law,
        1 for ln, near 0 once the information saturates."""
        keep = (self.n >= n_min) & np.isfinite(self.median_crlb_m2)
        x, y = np.log(np.log(self.n[keep])), np.log(self.median_crlb_m2[keep])
        return float(-np.polyfit(x, y, 1)[0])


def poisson_cluster(rng: np.random.Generator, n_max: int, density_per_km2: float, system: SystemParams,
                    tx_antennas: int, rx_antennas: int, power_w: float) -> Network:
    """The n_max nearest BSs of a Poisson network around a target at the origin."""
    radius = math.sqrt((4 * n_max) / (math.pi * density_per_km2)) * 1000.0  # about 4 n_max BSs expected
    count = 0
    while count < n_max:  # a realisation with too few BSs is redrawn (same stream, so reproducible)
        count = rng.poisson(density_per_km2 * math.pi * (radius / 1000.0) ** 2)
    r = radius * np.sqrt(rng.uniform(size=count))
    phi = rng.uniform(0, 2 * math.pi, size=count)
    xy = np.c_[r * np.cos(phi), r * np.sin(phi)][np.argsort(r)][:n_max]
    xy[np.linalg.norm(xy, axis=1) < system.min_distance_m] *= 2  # keep d_min
    return Network(system=system,
                   base_stations=[{"id": f"b{i}", "position_m": tuple(p), "tx_antennas": tx_antennas,
                                   "rx_antennas": rx_antennas, "power_w": power_w} for i, p in enumerate(xy)],
                   targets=[{"id": "t", "position_m": (0.0, 0.0)}])


def beam_at_target(net: Network, channels) -> TransmitDesign:
    """Every BS beams its whole power at the target (beampattern gain Nt P), as a sensing covariance."""
    cov = []
    for b, bs in enumerate(net.base_stations):
        a = channels.tx_steering[b][0]
        cov.append(bs.power_w * np.outer(a, a.conj()) / bs.tx_antennas)
    return TransmitDesign(tuple(np.zeros((bs.tx_antennas, 0), complex) for bs in net.base_stations), tuple(cov))


def bistatic_aoa_fim(net: Network, channels, design: TransmitDesign, cluster: tuple[int, ...]) -> np.ndarray:
    """(2, 2) receive-side angle-of-arrival information of every pair (i -> target -> j) of ``cluster``."""
    s = net.system
    gains = np.array([np.real(channels.tx_steering[i][0].conj() @ design.sensing[i] @ channels.tx_steering[i][0])
                      for i in range(net.n_bs)])
    geo = angle_geometry(net, 0)
    out = np.zeros((2, 2))
    for j in cluster:
        ar, ard = channels.rx_steering[j][0], channels.rx_steering_dot[j][0]
        shape = np.real(np.vdot(ard, ard)) - abs(np.vdot(ard, ar)) ** 2 / np.real(np.vdot(ar, ar))
        for i in cluster:
            out += 2 * s.samples * channels.radar_gain[i, j, 0] * gains[i] * shape / channels.noise_w * geo[j]
    return out


def crlb_laws(n_values=(2, 4, 8, 16, 32, 64), seeds: int = 300, *, pathloss_exponent: float = 2.0,
              density_per_km2: float = 1.0, tx_antennas: int = 4, rx_antennas: int = 5, power_w: float = 1.0,
              system: SystemParams | None = None, base_seed: int = 0,
              information: tuple[str, ...] = INFORMATION) -> dict[str, LawResult]:
    """Median position CRLB of a target against the number N of cooperating BSs for each kind of
    ``information`` (module docstring), over the same ``seeds`` Poisson networks (common to every kind
    and exponent with the same ``base_seed``). N = 1 is singular for ``range`` and ``angle``."""
    bad = [i for i in information if i not in INFORMATION]
    if bad:
        raise ValueError(f"information must be among {INFORMATION}, got {bad}")
    n_values = np.asarray(sorted(n_values), dtype=int)
    if n_values[0] < 1:
        raise ValueError("cluster sizes must be >= 1")
    system = (system or SystemParams()).model_copy(update={"pathloss_exponent": pathloss_exponent})
    n_max = int(n_values[-1])
    values = {i: np.full((seeds, len(n_values)), np.inf) for i in information}
    for s in range(seeds):
        net = poisson_cluster(rng_for(base_seed, s), n_max, density_per_km2, system, tx_antennas, rx_antennas,
                              power_w)
        ch = derive_channels(net)
        design = beam_at_target(net, ch)
        for j, n in enumerate(n_values):
            cluster = [tuple(range(n))]
            fims = {}
            if {"range", "hybrid"} & set(information):
                fims["range"] = position_fim(net, ch, design, cluster, "multistatic")[0]
            if {"angle", "hybrid"} & set(information):
                fims["angle"] = position_fim(net, ch, design, cluster, "fusion", angle_information=True,
                                             range_information=False)[0]
            if "hybrid" in information:
                fims["hybrid"] = fims["range"] + fims["angle"]
            if "angle_bistatic" in information:
                fims["angle_bistatic"] = bistatic_aoa_fim(net, ch, design, cluster[0])
            for i in information:
                values[i][s, j] = crlb_from_fim(fims[i])
    out = {}
    lo_rank = max(int(math.floor(seeds / 2 - 0.98 * math.sqrt(seeds))), 0)
    hi_rank = min(int(math.ceil(seeds / 2 + 0.98 * math.sqrt(seeds))), seeds - 1)
    for i in information:
        v = np.sort(values[i], axis=0)  # inf (singular) sorts last: the median is finite while most are
        out[i] = LawResult(n_values, i, pathloss_exponent, np.median(v, axis=0), v[lo_rank], v[hi_rank],
                           np.isfinite(v).mean(axis=0), seeds)
    return out

"""How the position CRLB of a target falls with the number N of cooperating BSs (seed, Section III-B4).

For each seed: BSs of a Poisson point process (density ``density_per_km2``) in a disc around a
target at the origin; the N nearest BSs form a multistatic radar, each beaming its whole budget
at the target (beampattern gain Nt P, equal powers); the CRLB of SPEC.md 5.4 is averaged over
seeds. The seed paper reports an ln^2(N) improvement of the average CRLB: the nearest BSs
dominate, the distant ones add little because of the path loss. ``fit_ln2`` returns the c of
the least-squares fit CRLB(N) ~ c / ln^2(N) on N >= 4 (with two or three BSs the geometry is often
nearly collinear, the CRLB heavy-tailed, and its mean dominated by a few seeds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..channels.derive import derive_channels
from ..metrics.position_crlb import position_crlb
from ..network.layouts import rng_for
from ..network.system import SystemParams
from .localisation_scaling import beam_at_target, poisson_cluster


@dataclass(frozen=True)
class ScalingResult:
    n: np.ndarray              # cluster sizes
    mean_crlb_m2: np.ndarray   # mean CRLB over the seeds, per N
    stderr_m2: np.ndarray      # its standard error
    seeds: int

    def fit_ln2(self) -> float:
        """c minimising sum_N (CRLB(N) - c / ln^2 N)^2 over N >= 4."""
        keep = self.n >= 4
        basis = 1.0 / np.log(self.n[keep]) ** 2
        return float(basis @ self.mean_crlb_m2[keep] / (basis @ basis))


def crlb_vs_cluster_size(n_values=(2, 3, 4, 5, 6, 8), seeds: int = 200, *, density_per_km2: float = 1.0,
                         tx_antennas: int = 4, rx_antennas: int = 5, power_w: float = 1.0,
                         system: SystemParams | None = None, base_seed: int = 0) -> ScalingResult:
    """Mean position CRLB of a target against the number N of cooperating BSs (SPEC 5.4, 9).

    For each of ``seeds`` Poisson networks (``density_per_km2``), the target sits at the origin and
    its N nearest BSs form a multistatic cluster, each beaming its whole power toward the target
    (closed form, no optimisation). Returns per N the mean CRLB [m^2] and its standard error;
    ``ScalingResult.fit_ln2()`` fits c / ln^2(N), the law derived in docs/theory/cooperative.md.
    """
    n_values = np.asarray(sorted(n_values), dtype=int)
    if n_values[0] < 1:
        raise ValueError("cluster sizes must be >= 1")
    system = system or SystemParams(pathloss_exponent=2.0)
    n_max = int(n_values[-1])
    values = np.zeros((seeds, len(n_values)))
    for s in range(seeds):
        net = poisson_cluster(rng_for(base_seed, s), n_max, density_per_km2, system, tx_antennas, rx_antennas,
                              power_w)
        ch = derive_channels(net)
        design = beam_at_target(net, ch)  # beampattern gain Nt P at the target
        for j, n in enumerate(n_values):
            values[s, j] = position_crlb(net, ch, design, [tuple(range(n))], "multistatic")[0]
    finite = np.where(np.isfinite(values), values, np.nan)
    return ScalingResult(n_values, np.nanmean(finite, axis=0), np.nanstd(finite, axis=0) / math.sqrt(seeds), seeds)

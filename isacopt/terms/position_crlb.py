"""Position CRLB of distributed MIMO radar as an SDP (SPEC.md 5.4).

J_t = sum_{i in Q_t} g_i(R_i) M_{t,i} is affine in the covariances (g_i the beampattern of
transmitter i toward t, M_{t,i} the 2x2 pair geometry weighted by the pairs' SNR per watt).
tr(J_t^{-1}) <= tr(X_t) exactly when [[X_t, I], [I, J_t]] >= 0 (Schur complement), so
minimising tr(X_t) minimises the CRLB. Everything is scaled by j_ref to O(1).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from ..errors import ValidationError
from ..metrics.position_crlb import fim_scale, pairs_of, unit_vectors
from .base import Term, functional_param, lin, set_functional


def pair_geometry(network, channels, t: int, cluster, pairs: str) -> dict[int, np.ndarray]:
    """M_{t,i}: the FIM per watt of beampattern gain of transmitter i (SI units, 1/m^2/W)."""
    e = unit_vectors(network, t)
    k = fim_scale(network, pairs)
    out: dict[int, np.ndarray] = {i: np.zeros((2, 2)) for i in cluster}
    for i, j in pairs_of(cluster, pairs):
        u = e[i] + e[j]
        snr_per_w = network.system.samples * network.base_stations[j].rx_antennas * channels.radar_gain[i, j, t] \
            / channels.noise_w
        out[i] += k * snr_per_w * np.outer(u, u)
    return out


class PositionCrlb(Term):
    def __init__(self, clusters: tuple[tuple[int, ...], ...], antennas: tuple[int, ...], pairs: str):
        self.clusters, self.pairs = clusters, pairs
        self.f = {(t, i, ab): functional_param(antennas[i], f"fim_{t}_{i}_{ab}")
                  for t, c in enumerate(clusters) for i in c for ab in ("11", "12", "22")}
        self.x = [cp.Variable((2, 2), symmetric=True, name=f"crlb_x{t}") for t in range(len(clusters))]
        self.rel = cp.Parameter(len(clusters), nonneg=True, name="crlb_rel_scale")  # j_ref / j_t
        self.j_ref = 1.0

    def crlb(self, t: int) -> cp.Expression:
        """(j_ref / j_t) tr(X_t) >= j_ref * CRLB_t (normalised units, common to all targets)."""
        return self.rel[t] * cp.trace(self.x[t])

    def structural(self, v) -> list[cp.Constraint]:
        out = []
        for t, c in enumerate(self.clusters):
            j = {ab: cp.sum([lin(self.f[(t, i, ab)], v.total(i)) for i in c]) for ab in ("11", "12", "22")}
            x = self.x[t]
            lmi = cp.bmat([[x[0, 0], x[0, 1], 1, 0], [x[1, 0], x[1, 1], 0, 1],
                           [1, 0, j["11"], j["12"]], [0, 1, j["12"], j["22"]]])
            out.append((lmi + lmi.T) / 2 >> 0)
        return out

    def update(self, data) -> None:
        net, ch = data.network, data.channels
        geo = {t: pair_geometry(net, ch, t, c, self.pairs) for t, c in enumerate(self.clusters)}
        problems = []
        for t, c in enumerate(self.clusters):
            total = sum(geo[t].values())
            eig = np.linalg.eigvalsh(total)
            if eig[-1] <= 0 or eig[0] <= 1e-9 * eig[-1]:
                ids = [net.base_stations[i].id for i in c]
                problems.append((f"targets[{t}] ({net.targets[t].id})",
                                 f"its sensing cluster {ids} with pairs={self.pairs!r} measures fewer than two "
                                 "independent directions (a single BS, or BSs in line with the target): the CRLB is "
                                 "infinite; " + ("enlarge sensing_cluster or use multistatic pairs"
                                                  if self.pairs == "fusion" and len(c) > 1 else "enlarge sensing_cluster")))
        if problems:
            raise ValidationError(problems)
        # each target's LMI in its own scale j_t = 1 / CRLB_t of the isotropic full-power design (every BS
        # of the cluster spreading its budget evenly: beampattern gain P_i toward every target), so that
        # tr(X_t) is O(1) near the optimum. A far target's J can be orders of magnitude smaller than a near
        # one's, and its weak direction orders below its strong one: a scale from J's largest eigenvalue
        # left tr(X_t) at 1e3 and Clarabel stalled short of its tolerances (hex-7cell-comp-radar)
        power = [b.power_w for b in net.base_stations]
        scales = np.array([1.0 / np.trace(np.linalg.inv(sum(power[i] * m for i, m in geo[t].items())))
                           for t in geo])
        self.j_ref = float(np.median(scales))
        self.scales = scales
        self.rel.value = self.j_ref / scales
        for t, c in enumerate(self.clusters):
            for i in c:
                a = ch.tx_steering[i][t]
                aa = np.outer(a, a.conj())
                m = geo[t][i] * data.p_ref / scales[t]
                for ab, val in (("11", m[0, 0]), ("12", m[0, 1]), ("22", m[1, 1])):
                    set_functional(self.f[(t, i, ab)], aa, val)

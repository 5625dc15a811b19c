"""Position CRLB of distributed MIMO radar as an SDP (SPEC.md 5.4 and 11).

J_t = sum_{i in Q_t} [g_i(R_i) M_{t,i} + g_i(R0_i) C_{t,i} + tau_{t,i} A_{t,i}] is affine in the
covariances and the auxiliary tau: M_{t,i} the monostatic pair (and every cross pair of transmitter i
when the waveform is ``unified``), C_{t,i} the cross pairs of transmitter i when it is ``orthogonal``
(they see only the dedicated sensing covariance R0_i), A_{t,i} = e_perp e_perp^T / d^2 the azimuth
Jacobian with tau_{t,i} <= the angle information of receiver i (the concave Schur complement of SPEC
5.3, a second-order cone), all weighted by the pair SNR per watt. tr(J_t^{-1}) <= tr(X_t) exactly
when [[X_t, I], [I, J_t]] >= 0, so minimising tr(X_t) minimises the CRLB.

With ``crlb_interference`` the SNRs are SINRs whose interference depends on the design, which makes
the CRLB non-convex. The term then holds interference levels I_bar_{t,j} as Parameters: the FIM uses
sigma^2 + I_bar, and the constraints I_{t,j}(R) <= I_bar_{t,j} keep the true SINR at least that good,
so the SDP value bounds the true CRLB from above (see cooperative/interference_mm.py). Every
coefficient is scaled per target to O(1).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from ..design import TransmitDesign
from ..errors import ValidationError
from ..formulation.angle_crb_data import angle_matrices
from ..formulation.realsdp import hermitian_part
from ..metrics.position_crlb import CrlbModel, angle_geometry, fim_scale, pairs_of, position_fim, unit_vectors
from .base import Term, functional_param, lin, set_functional

ENTRIES = ("11", "12", "22")


def pair_geometry(network, channels, t: int, cluster, model: CrlbModel, weight=None):
    """(mono, cross): per transmitter i of the cluster, the FIM per watt of its beampattern gain
    (1/m^2/W) of the pairs that see R_i and of those that see only R0_i; ``weight[j]`` the SNR -> SINR
    factor sigma^2 / (sigma^2 + I_bar_j) of receiver j (1 without interference)."""
    e = unit_vectors(network, t)
    k = fim_scale(network, model.pairs)
    mono = {i: np.zeros((2, 2)) for i in cluster}
    cross = {i: np.zeros((2, 2)) for i in cluster}
    for i, j in pairs_of(cluster, model.pairs):
        u = e[i] + e[j]
        snr_per_w = network.system.samples * network.base_stations[j].rx_antennas * channels.radar_gain[i, j, t] \
            / channels.noise_w * (1.0 if weight is None else weight[j])
        (mono if i == j or model.waveform == "unified" else cross)[i] += k * snr_per_w * np.outer(u, u)
    return mono, cross


class PositionCrlb(Term):
    def __init__(self, clusters: tuple[tuple[int, ...], ...], antennas: tuple[int, ...], model: CrlbModel,
                 sensing_streams: bool = True):
        self.clusters, self.model = clusters, model
        self.pairs = model.pairs
        multi = model.pairs != "fusion"
        # cross pairs on R0_i: only with orthogonal waveforms, dedicated streams and a cluster to pair with
        self.has_cross = model.waveform == "orthogonal" and multi and sensing_streams
        self.cross_ok = model.waveform == "unified" or not multi or sensing_streams
        self.f = {(t, i, ab): functional_param(antennas[i], f"fim_{t}_{i}_{ab}")
                  for t, c in enumerate(clusters) for i in c for ab in ENTRIES}
        self.fc = {(t, i, ab): functional_param(antennas[i], f"fimc_{t}_{i}_{ab}")
                   for t, c in enumerate(clusters) for i in c for ab in ENTRIES if self.has_cross and len(c) > 1}
        self.angle = {}
        if model.angle_information:
            for t, c in enumerate(clusters):
                for i in c:
                    self.angle[(t, i)] = dict(
                        dd=functional_param(antennas[i], f"ang_dd_{t}_{i}"), aa=functional_param(antennas[i], f"ang_aa_{t}_{i}"),
                        re=functional_param(antennas[i], f"ang_re_{t}_{i}"), im=functional_param(antennas[i], f"ang_im_{t}_{i}"),
                        geo=cp.Parameter(3, name=f"ang_geo_{t}_{i}"), tau=cp.Variable(nonneg=True, name=f"ang_tau_{t}_{i}"))
        self.inter = {}
        if model.interference:
            n = len(antennas)
            for t, c in enumerate(clusters):
                for j in c:
                    self.inter[(t, j)] = dict(q={m: functional_param(antennas[m], f"int_{t}_{j}_{m}")
                                                 for m in range(n) if m != j},
                                              rhs=cp.Parameter(nonneg=True, name=f"int_rhs_{t}_{j}"))
        self.levels = {key: np.inf for key in self.inter}  # I_bar [W]; inf: the noise-limited problem
        self.x = [cp.Variable((2, 2), symmetric=True, name=f"crlb_x{t}") for t in range(len(clusters))]
        self.rel = cp.Parameter(len(clusters), nonneg=True, name="crlb_rel_scale")  # j_ref / j_t
        self.j_ref = 1.0
        # the clusters whose pairs count in this snapshot: the compiled ones, or (a cluster search compiled
        # once for every candidate BS) a subset of each; the BSs left out get zero coefficients
        self.active = clusters

    def crlb(self, t: int) -> cp.Expression:
        """(j_ref / j_t) tr(X_t) >= j_ref * CRLB_t (normalised units, common to all targets)."""
        return self.rel[t] * cp.trace(self.x[t])

    def structural(self, v) -> list[cp.Constraint]:
        out = []
        for t, c in enumerate(self.clusters):
            j = {}
            for n, ab in enumerate(ENTRIES):
                parts = [lin(self.f[(t, i, ab)], v.total(i)) for i in c]
                parts += [lin(self.fc[(t, i, ab)], v.sensing[i]) for i in c if (t, i, ab) in self.fc]
                parts += [self.angle[(t, i)]["geo"][n] * self.angle[(t, i)]["tau"] for i in c if (t, i) in self.angle]
                j[ab] = cp.sum(parts)
            x = self.x[t]
            lmi = cp.bmat([[x[0, 0], x[0, 1], 1, 0], [x[1, 0], x[1, 1], 0, 1],
                           [1, 0, j["11"], j["12"]], [0, 1, j["12"], j["22"]]])
            out.append((lmi + lmi.T) / 2 >> 0)
        for (t, i), a in self.angle.items():
            r = v.total(i)
            dd, aa, re, im = (lin(a[k], r) for k in ("dd", "aa", "re", "im"))
            out.append(cp.SOC(dd - a["tau"] + aa, cp.hstack([2 * re, 2 * im, dd - a["tau"] - aa])))
        for (t, j), it in self.inter.items():
            part = self._interfering
            out.append(cp.sum([lin(q, part(v, m)) for m, q in it["q"].items()]) <= it["rhs"])
        return out

    def _interfering(self, v, m: int) -> cp.Expression:
        """What of BS m's signal a matched filter cannot reject: R_m, or its data part when the sensing
        waveforms are orthogonal."""
        s0 = v.sensing[m]
        return v.total(m) - s0 if self.model.waveform == "orthogonal" and s0 is not None else v.total(m)

    # -- data ------------------------------------------------------------------------------
    def update(self, data) -> None:
        net, ch = data.network, data.channels
        self._check_and_scale(net, ch)
        self._set_coefficients(data)

    def set_levels(self, data, levels: dict) -> None:
        """Interference levels I_bar_{t,j} [W] (inf: noise-limited) and the coefficients that follow."""
        self.levels = dict(levels)
        self._set_coefficients(data)

    def _check_and_scale(self, net, ch) -> None:
        scales = fim_scales(net, ch, self.active, self.model, self.cross_ok)
        self.j_ref = float(np.median(scales))
        self.scales = scales
        self.rel.value = self.j_ref / scales

    def _set_coefficients(self, data) -> None:
        net, ch = data.network, data.channels
        n = net.n_bs
        for t, (c, on) in enumerate(zip(self.clusters, self.active)):
            level = {j: self.levels.get((t, j), np.inf) for j in on}
            weight = np.ones(n)
            for j in on:
                weight[j] = 1.0 if not np.isfinite(level[j]) else ch.noise_w / (ch.noise_w + level[j])
            mono, cross = pair_geometry(net, ch, t, on, self.model, weight)
            geo = angle_geometry(net, t) if self.angle else None
            for i in c:
                if i not in on:
                    self._switch_off(t, i)
                    continue
                a = ch.tx_steering[i][t]
                aa = np.outer(a, a.conj())
                m = mono[i] * data.p_ref / self.scales[t]
                for ab, val in zip(ENTRIES, (m[0, 0], m[0, 1], m[1, 1])):
                    set_functional(self.f[(t, i, ab)], aa, val)
                if (t, i, "11") in self.fc:
                    m = cross[i] * data.p_ref / self.scales[t]
                    for ab, val in zip(ENTRIES, (m[0, 0], m[0, 1], m[1, 1])):
                        set_functional(self.fc[(t, i, ab)], aa, val)
                if (t, i) in self.angle:
                    self._set_angle(data, t, i, weight[i], geo[i])
            for j in c:
                if (t, j) in self.inter:
                    self._set_interference(data, t, j, level.get(j, np.inf))  # inf: no constraint

    def _switch_off(self, t: int, i: int) -> None:
        """BS i is a compiled member of target t's cluster but not an active one: none of its pairs count."""
        for ab in ENTRIES:
            for params in (self.f, self.fc):
                if (t, i, ab) in params:
                    params[(t, i, ab)].value = np.zeros(params[(t, i, ab)].shape)
        if (t, i) in self.angle:
            a = self.angle[(t, i)]
            for key in ("dd", "aa", "re", "im"):
                a[key].value = np.zeros(a[key].shape)
            a["geo"].value = np.zeros(3)

    def _set_angle(self, data, t: int, i: int, weight: float, geo: np.ndarray) -> None:
        net, ch = data.network, data.channels
        a = self.angle[(t, i)]
        m_dd, m_aa, m_da = angle_matrices(ch, i, t)
        s = 1.0 / max(np.real(np.trace(m_dd)), 1e-300)
        m1, m2 = hermitian_part(m_da)
        for key, mat in (("dd", m_dd), ("aa", m_aa), ("re", m1), ("im", m2)):
            set_functional(a[key], mat, s)
        # tau <= s F / p_ref with F = T_dd - |T_da|^2 / T_aa; J_phi = kappa F, kappa = 2 L G / (sigma^2 + I)
        kappa = 2.0 * net.system.samples * ch.radar_gain[i, i, t] / ch.noise_w * weight
        c = kappa * data.p_ref / (s * self.scales[t])
        a["geo"].value = c * np.array([geo[0, 0], geo[0, 1], geo[1, 1]])

    def _set_interference(self, data, t: int, j: int, level: float) -> None:
        """sum_m tr(Q_m C_m) <= I_bar with Q_m = G^H u u^H G, normalised by sigma^2 + I_bar (0 <= rhs < 1);
        I_bar = inf gives Q = 0 and rhs = 1: no constraint."""
        ch = data.channels
        it = self.inter[(t, j)]
        a_r = ch.rx_steering[j][t]
        u = a_r / np.sqrt(len(a_r))
        finite = np.isfinite(level)
        norm = (ch.noise_w + level) if finite else np.inf
        for m, q in it["q"].items():
            g = ch.crosslink[j][m]
            if g is None or not finite:
                q.value = np.zeros(q.shape)
                continue
            v = g.conj().T @ u  # G^H u (Nt_m,)
            set_functional(q, np.outer(v, v.conj()), data.p_ref / norm)
        it["rhs"].value = level / norm if finite else 1.0


def fim_scales(net, ch, clusters, model: CrlbModel, cross_ok: bool = True) -> np.ndarray:
    """Per target, j_t = 1 / CRLB_t of the isotropic full-power design (``isotropic_fims``)."""
    return np.array([1.0 / np.trace(np.linalg.inv(f)) for f in isotropic_fims(net, ch, clusters, model, cross_ok)])


def isotropic_fims(net, ch, clusters, model: CrlbModel, cross_ok: bool = True) -> np.ndarray:
    """(T, 2, 2): every target's J_t for the isotropic full-power design. Each target's LMI (or cone) is
    posed in the scale j_t = 1 / tr(J_t^-1) of it, so that tr(X_t) is O(1) near the optimum. A far target's J can be orders of
    magnitude smaller than a near one's, and its weak direction orders below its strong one: a scale from
    J's largest eigenvalue left tr(X_t) at 1e3 and Clarabel stalled short of its tolerances
    (hex-7cell-comp-radar). ``cross_ok``: cross pairs have a signal to see (else the check counts
    monostatic pairs only). A target whose cluster measures fewer than two independent directions is a
    ValidationError naming it and the fix."""
    iso = TransmitDesign(tuple(np.zeros((b.tx_antennas, net.n_users), complex) for b in net.base_stations),
                         tuple(b.power_w / b.tx_antennas * np.eye(b.tx_antennas, dtype=complex)
                               for b in net.base_stations))
    pairs = model.pairs if cross_ok else "fusion"
    fims = position_fim(net, ch, iso, clusters, pairs, waveform="unified", angle_information=model.angle_information)
    problems = []
    for t, c in enumerate(clusters):
        eig = np.linalg.eigvalsh(fims[t])
        if eig[-1] <= 0 or eig[0] <= 1e-9 * eig[-1]:
            ids = [net.base_stations[i].id for i in c]
            hint = ("enlarge sensing_cluster or use multistatic pairs" if model.pairs == "fusion" and len(c) > 1
                    else "give the BSs dedicated sensing streams (orthogonal waveforms: cross pairs see only "
                         "them)" if not cross_ok else "enlarge sensing_cluster")
            if not model.angle_information:
                hint += " or turn on angle_information"
            problems.append((f"targets[{t}] ({net.targets[t].id})",
                             f"its sensing cluster {ids} with pairs={model.pairs!r} measures fewer than two "
                             "independent directions (a single BS, or BSs in line with the target): the CRLB is "
                             "infinite; " + hint))
    if problems:
        raise ValidationError(problems)
    return fims

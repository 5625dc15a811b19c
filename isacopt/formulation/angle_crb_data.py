"""The monostatic angle CRB of each probed target as linear functionals of its sensing BS's covariance.

SPEC.md 5.3: CRB_t = sigma^2 / (2 L G_t) / F_t with the Fisher information

    F_t = T_dd - |T_da|^2 / T_aa,   T_xy = tr(M_xy R),   M_dd = A'^H A', M_aa = A^H A, M_da = A'^H A,

A = a_r a_t^H V (the BS's null-space basis V), A' its derivative in the angle. Both relaxations need the
same numbers: the cvxpy term (terms.angle_crb) as Parameters, the subspace path (formulation.linear) as
rows of a second-order cone. Each M is scaled by 1 / tr(M_dd) (entries O(1)) and the constant is folded
into a weight: CRB_t = ref * w_t / F_t, with F_t in the solver's power unit p_ref and ref the median
constant (the weights are then O(1) too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from .data import SnapshotData


@dataclass(frozen=True)
class AngleCrbData:
    m_dd: list[NDArray[np.complex128]]  # per target, d_b x d_b, scaled
    m_aa: list[NDArray[np.complex128]]
    m_da: list[NDArray[np.complex128]]  # not Hermitian: T_da is complex
    weights: NDArray[np.float64]        # CRB_t = ref * weights[t] / F_t
    ref: float


def angle_crb_data(data: SnapshotData, heads: tuple[int, ...]) -> AngleCrbData:
    """The functionals of every target t sensed at ``heads[t]``; a target whose angle no design can observe
    (on the array axis, or nulls remove every useful direction) is a ValidationError naming it."""
    net, ch = data.network, data.channels
    c = np.zeros(len(heads))
    dds, aas, das = [], [], []
    for t, b in enumerate(heads):
        v = data.nulls.bases[b]
        m_dd, m_aa, m_da = (v.conj().T @ m @ v for m in angle_matrices(ch, b, t))  # in the null space
        if _max_information(m_dd, m_aa, m_da) <= 1e-9 * np.real(np.trace(m_dd)) + 1e-300:
            raise ValidationError([(f"targets[{t}] ({net.targets[t].id})",
                                    f"its angle is unobservable from base station {net.base_stations[b].id!r} "
                                    "(on the array axis, or nulls remove every useful direction): "
                                    "min_angle_crb cannot be posed")])
        scale = 1.0 / max(np.real(np.trace(m_dd)), 1e-300)
        dds.append(m_dd * scale), aas.append(m_aa * scale), das.append(m_da * scale)
        # CRB_t = sigma^2 / (2 L G) / (p_ref * F / scale): the constants go into the weight
        c[t] = data.noise / (2 * net.system.samples * ch.radar_gain[b, b, t]) * scale / data.p_ref
    ref = float(np.median(c)) if len(c) else 1.0
    return AngleCrbData(dds, aas, das, c / ref, ref)


def fisher_levels(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """F_t from the cone rows' values ``(T_dd + T_aa, 2 Re T_da, 2 Im T_da, T_dd - T_aa)`` (one row of
    ``values`` per target): T_dd - |T_da|^2 / T_aa, or -inf where T_aa = 0 leaves T_da nonzero."""
    v = np.atleast_2d(values)
    t_dd, t_aa = (v[:, 0] + v[:, 3]) / 2, (v[:, 0] - v[:, 3]) / 2
    cross = (v[:, 1] ** 2 + v[:, 2] ** 2) / 4
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(t_aa > 0, t_dd - cross / np.where(t_aa > 0, t_aa, 1.0), np.where(cross > 0, -np.inf, t_dd))
    return f


def _max_information(m_dd: np.ndarray, m_aa: np.ndarray, m_da: np.ndarray) -> float:
    """F for the best single direction among the eigenvectors of M_dd (a cheap observability test)."""
    _, vecs = np.linalg.eigh(m_dd)
    best = 0.0
    for x in vecs.T:
        dd = np.real(np.vdot(x, m_dd @ x))
        aa = np.real(np.vdot(x, m_aa @ x))
        da = np.vdot(x, m_da @ x)
        if aa > 0:
            best = max(best, dd - abs(da) ** 2 / aa)
    isotropic_dd, isotropic_aa = np.real(np.trace(m_dd)), np.real(np.trace(m_aa))
    if isotropic_aa > 0:
        best = max(best, isotropic_dd - abs(np.trace(m_da)) ** 2 / isotropic_aa)
    return best


def angle_matrices(channels, b: int, t: int):
    """(M_dd, M_aa, M_da) with tr(M R) = the SPEC 5.3 traces of BS b toward target t."""
    at, atd = channels.tx_steering[b][t], channels.tx_steering_dot[b][t]
    ar, ard = channels.rx_steering[b][t], channels.rx_steering_dot[b][t]
    a_mat = np.outer(ar, at.conj())
    ad_mat = np.outer(ard, at.conj()) + np.outer(ar, atd.conj())
    return ad_mat.conj().T @ ad_mat, a_mat.conj().T @ a_mat, ad_mat.conj().T @ a_mat

"""Angle CRB of each target at its sensing BS (SPEC.md 5.3, Liu et al. 2022) via a Schur complement.

CRB_t = c_t / F_t with F_t = T_dd - |T_da|^2 / T_aa, T_xy = tr(X^H Y R) affine in R. The 2x2
Hermitian LMI [[T_dd - tau, T_da], [T_da^*, T_aa]] >= 0 (tau <= F_t) is the second-order cone

    || (2 Re T_da, 2 Im T_da, T_dd - tau - T_aa) || <= T_dd - tau + T_aa.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from ..errors import ValidationError
from ..formulation.realsdp import hermitian_part
from .base import Term, Variables, functional_param, lin, set_functional


class AngleCrb(Term):
    """tau_t <= F_t (normalised); ``weights`` w_t make CRB_t = w_t * crb_ref / tau_t."""

    def __init__(self, heads: tuple[int, ...], dims: tuple[int, ...]):
        self.heads = heads
        n = len(heads)
        self.f_dd = [functional_param(dims[b], f"crb_dd_{t}") for t, b in enumerate(heads)]
        self.f_aa = [functional_param(dims[b], f"crb_aa_{t}") for t, b in enumerate(heads)]
        self.f_re = [functional_param(dims[b], f"crb_re_{t}") for t, b in enumerate(heads)]
        self.f_im = [functional_param(dims[b], f"crb_im_{t}") for t, b in enumerate(heads)]
        self.tau = cp.Variable(n, nonneg=True, name="crb_tau")
        self.weights = cp.Parameter(n, nonneg=True, name="crb_weights")
        self.crb_ref = 1.0

    def structural(self, v: Variables) -> list[cp.Constraint]:
        out = []
        for t, b in enumerate(self.heads):
            r = v.total(b)
            dd, aa = lin(self.f_dd[t], r), lin(self.f_aa[t], r)
            re, im = lin(self.f_re[t], r), lin(self.f_im[t], r)
            out.append(cp.SOC(dd - self.tau[t] + aa, cp.hstack([2 * re, 2 * im, dd - self.tau[t] - aa])))
        return out

    def sum_objective(self) -> cp.Expression:
        return cp.sum(cp.multiply(self.weights, cp.inv_pos(self.tau)))

    def update(self, data) -> None:
        net, ch = data.network, data.channels
        c = np.zeros(len(self.heads))
        for t, b in enumerate(self.heads):
            at, atd = ch.tx_steering[b][t], ch.tx_steering_dot[b][t]
            ar, ard = ch.rx_steering[b][t], ch.rx_steering_dot[b][t]
            v = data.nulls.bases[b]
            a_mat = np.outer(ar, at.conj()) @ v
            ad_mat = (np.outer(ard, at.conj()) + np.outer(ar, atd.conj())) @ v
            m_dd, m_aa, m_da = ad_mat.conj().T @ ad_mat, a_mat.conj().T @ a_mat, ad_mat.conj().T @ a_mat
            scale = 1.0 / max(np.real(np.trace(m_dd)), 1e-300)
            m1, m2 = hermitian_part(m_da)
            for p, m in ((self.f_dd[t], m_dd), (self.f_aa[t], m_aa), (self.f_re[t], m1), (self.f_im[t], m2)):
                set_functional(p, m, scale)
            if _max_information(m_dd, m_aa, m_da) <= 1e-9 * np.real(np.trace(m_dd)) + 1e-300:
                raise ValidationError([(f"targets[{t}] ({net.targets[t].id})",
                                        f"its angle is unobservable from base station {net.base_stations[b].id!r} "
                                        "(on the array axis, or nulls remove every useful direction): "
                                        "min_angle_crb cannot be posed")])
            # CRB_t = sigma^2 / (2 L G) / (p_ref * F / scale): fold the constants into the weight
            c[t] = data.noise / (2 * net.system.samples * ch.radar_gain[b, b, t]) * scale / data.p_ref
        self.crb_ref = float(np.median(c))
        self.weights.value = c / self.crb_ref


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

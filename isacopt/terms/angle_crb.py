"""Angle CRB of each target at its sensing BS (SPEC.md 5.3, Liu et al. 2022) via a Schur complement.

CRB_t = c_t / F_t with F_t = T_dd - |T_da|^2 / T_aa, T_xy = tr(X^H Y R) affine in R. The 2x2
Hermitian LMI [[T_dd - tau, T_da], [T_da^*, T_aa]] >= 0 (tau <= F_t) is the second-order cone

    || (2 Re T_da, 2 Im T_da, T_dd - tau - T_aa) || <= T_dd - tau + T_aa.
"""

from __future__ import annotations

import cvxpy as cp

from ..formulation.angle_crb_data import angle_crb_data
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
        crb = angle_crb_data(data, self.heads)
        for t in range(len(self.heads)):
            m1, m2 = hermitian_part(crb.m_da[t])
            for p, m in ((self.f_dd[t], crb.m_dd[t]), (self.f_aa[t], crb.m_aa[t]), (self.f_re[t], m1),
                         (self.f_im[t], m2)):
                set_functional(p, m)
        self.crb_ref = crb.ref
        self.weights.value = crb.weights

"""Min-power beamforming as an SOCP (Wiesel, Eldar, Shamai 2006).

With the phase of h_{b,k}^H w_k fixed real and non-negative (free: a common phase
per beam), SINR_k >= Gamma_k is the second-order cone

    Re(h~_{b,k}^H w_k) / sqrt(Gamma_k) >= || ( h~_{j,k}^H w_j  for every other stream j ; 1 ) ||,

in noise units. Only min_power with SINR constraints admits this form; it must,
and does (tests), reach the SDP's optimum: the SDR of this problem is tight.
"""

from __future__ import annotations

import time

import cvxpy as cp
import numpy as np

from ..design import TransmitDesign
from ..formulation.data import SnapshotData
from .structure import Structure


class CompiledSOCP:
    def __init__(self, st: Structure):
        t0 = time.perf_counter()
        self.structure = st
        served = [k for k, b in enumerate(st.serving) if b >= 0]
        self.w = {k: cp.Variable(st.dims[st.serving[k]], complex=True, name=f"w{k}") for k in served}
        self.own = {k: cp.Parameter(st.dims[st.serving[k]], complex=True, name=f"own{k}") for k in st.sinr_users}
        self.cross = {(k, j): cp.Parameter(st.dims[st.serving[j]], complex=True, name=f"cross{k}_{j}")
                      for k in st.sinr_users for j in served if j != k and st.serving[j] in st.interferers[k]}
        self.budget = cp.Parameter(len(st.dims), nonneg=True, name="budget")
        cons = []
        for k in st.sinr_users:
            signal = self.own[k].conj() @ self.w[k]  # h~^H w / sqrt(Gamma), phase fixed real
            others = [self.cross[(k, j)].conj() @ self.w[j] for (kk, j) in self.cross if kk == k]
            cons += [cp.imag(signal) == 0, cp.SOC(cp.real(signal), cp.hstack(others + [cp.Constant(1.0)]))]
        for b in range(len(st.dims)):
            mine = [self.w[k] for k in served if st.serving[k] == b]
            if mine:
                cons.append(cp.sum([cp.sum_squares(x) for x in mine]) <= self.budget[b])
        total = cp.sum([cp.sum_squares(x) for x in self.w.values()]) if self.w else cp.Constant(0.0)
        self.problem = cp.Problem(cp.Minimize(total), cons)
        self.build_s = time.perf_counter() - t0
        self.solves = 0

    def update(self, data: SnapshotData) -> None:
        for k in self.structure.sinr_users:
            self.own[k].value = data.user_channel(data.serving[k], k) / np.sqrt(data.sinr_targets[k])
        for (k, j), p in self.cross.items():
            p.value = data.user_channel(data.serving[j], k)
        self.budget.value = np.array([data.budget(b) for b in range(data.network.n_bs)])

    def bound_si(self, data: SnapshotData) -> float | None:
        v = self.problem.value
        return None if v is None or not np.isfinite(v) else float(v) * data.p_ref

    def design(self, data: SnapshotData) -> TransmitDesign:
        design = TransmitDesign.zeros(data.network)
        for k, x in self.w.items():
            b = data.serving[k]
            design.beams[b][:, k] = data.nulls.bases[b] @ np.asarray(x.value) * np.sqrt(data.p_ref)
        return design

"""The cooperative SDP, compiled once per structure; data enter through Parameters.

One class serves every objective: the CRLB objectives, minimum power, the weighted
CRLB-plus-power objective, the feasibility problems of the rate bisection (minimum power
with common SINR targets) and the surrogate problems of the sum-rate search (``rate_sca``).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from ..association import Association
from ..formulation.data import SnapshotData
from ..objectives import REGISTRY
from ..terms.jt_sinr import JointSinr
from ..terms.position_crlb import PositionCrlb
from ..terms.power import PowerBudget
from .variables import CoMPVariables, blocks_for


class CompiledCoop:
    def __init__(self, opts, antennas: tuple[int, ...], assoc: Association, sinr_users: tuple[int, ...],
                 type2: tuple[bool, ...], limits: tuple[bool, ...], objective: str,
                 all_users: tuple[int, ...] = ()):
        """``objective``: min_sum_crlb | min_max_crlb | min_power | weighted | rate_sca | min_utilisation
        (the smallest alpha with tr(R_b) <= alpha P_b: always feasible, so well posed at the edge).
        ``all_users``: users whose received powers the sum-rate surrogate needs."""
        self.opts, self.objective = opts, objective
        self.shared = {}  # BS -> users whose data it receives over the backhaul (non-head members of C_k)
        for k, cluster in enumerate(assoc.serving):
            for b in cluster[1:]:
                self.shared.setdefault(b, []).append(k)
        blocks = blocks_for(assoc.serving, antennas, opts.joint_transmission == "coherent")
        self.vars = CoMPVariables(antennas, blocks, opts.sensing_streams)
        self.terms: dict = {} if objective == "min_utilisation" else {"power": PowerBudget(len(antennas))}
        if sinr_users:
            self.terms["sinr"] = JointSinr(list(sinr_users), blocks, antennas, type2)
        # objective names here include the internal sub-problems (rate_sca, min_utilisation): no class for those
        self.kind = REGISTRY["cooperative"].get(objective)
        if (self.kind is not None and self.kind.crlb) or any(limits):
            self.terms["crlb"] = CrlbWithLimits(assoc.sensing, antennas, opts.crlb_model, limits, opts.sensing_streams)
        # received powers of every user, for the sum-rate surrogate (no constraints of its own)
        self.rx = JointSinr(list(all_users), blocks, antennas, type2, with_targets=False) if all_users else None
        cons = list(self.vars.psd) + [c for t in self.terms.values() for c in t.constraints(self.vars)]
        cons += self._split(len(antennas))
        self.problem = cp.Problem(self._objective(len(antennas), len(assoc.sensing), cons, all_users), cons)
        self.accurate = True
        self.preferred = None  # the solver attempt that last reached "optimal" on this problem
        self.solves = 0
        self._p_ref = 1.0

    def _split(self, n_bs: int) -> list:
        if self.objective == "min_utilisation":
            self.alpha = cp.Variable(nonneg=True, name="utilisation")
            self.budget = cp.Parameter(n_bs, nonneg=True, name="budget_w")
            out = [self.vars.power(b) <= self.alpha * self.budget[b] for b in range(n_bs)]
        else:
            out = []
        if self.opts.comm_fraction is None:
            return out
        self.comm_cap = cp.Parameter(n_bs, nonneg=True, name="comm_cap")
        self.sense_cap = cp.Parameter(n_bs, nonneg=True, name="sense_cap")
        v = self.vars
        scale = self.alpha if self.objective == "min_utilisation" else 1
        return out + [c for b in range(n_bs) for c in (v.comm_power(b) <= scale * self.comm_cap[b],
                                                        v.power(b) - v.comm_power(b) <= scale * self.sense_cap[b])]

    def _objective(self, n_bs, n_targets, cons, users):
        o, v = self.objective, self.vars
        if o == "min_sum_crlb":
            return cp.Minimize(cp.sum([self.terms["crlb"].crlb(t) for t in range(n_targets)]))
        if o == "min_max_crlb":
            s = cp.Variable(name="max_crlb")
            cons += [self.terms["crlb"].crlb(t) <= s for t in range(n_targets)]
            return cp.Minimize(s)
        if o == "weighted":
            self.crlb_weight = cp.Parameter(n_targets, nonneg=True, name="crlb_weight")
            self.power_weight = cp.Parameter(nonneg=True, name="power_weight")
            # weight_t * (j_ref / j_t) in one Parameter: a product of two Parameters would not be DPP
            crlb = cp.sum([self.crlb_weight[t] * cp.trace(self.terms["crlb"].x[t]) for t in range(n_targets)])
            return cp.Minimize(crlb + self.power_weight * cp.sum([v.power(b) for b in range(n_bs)]))
        if o == "rate_sca":
            # sum_k log(1 + I_k + S_k) - c_k I_k: the concave part of the rate, its convex part linearised
            rx = self.rx
            self.sca_slope = cp.Parameter(len(users), nonneg=True, name="sca_slope")
            cons += self._backhaul_caps(users)
            return cp.Maximize(cp.sum([cp.log(1 + rx.received(v, k)) - self.sca_slope[i] * rx.interference(v, k)
                                       for i, k in enumerate(users)]))
        if o == "min_utilisation":
            return cp.Minimize(self.alpha)
        return cp.Minimize(cp.sum([v.power(b) for b in range(n_bs)]))

    def _backhaul_caps(self, users) -> list:
        """Backhaul with rates free (SPEC.md 7): for every BS b that receives shared data,
        B sum_{k shared by b} r_k <= C_b - sensing load. r_k is bounded above by the tangent of
        log(1 + received) at the current point minus log(1 + interference): a convex, conservative cap."""
        shared = self.shared
        self.cap = {b: cp.Parameter(nonneg=True, name=f"rate_cap_{b}") for b in shared}
        self.tangent = cp.Parameter(len(users), nonneg=True, name="sca_tangent")
        self.offset = cp.Parameter(len(users), name="sca_offset")
        v, rx, out = self.vars, self.rx, []
        for b, ks in shared.items():
            upper = [self.offset[users.index(k)] + self.tangent[users.index(k)] * rx.received(v, k)
                     - cp.log(1 + rx.interference(v, k)) for k in ks]
            out.append(cp.sum(upper) <= self.cap[b])
        return out

    def update(self, data: SnapshotData, limits) -> None:
        self._p_ref = data.p_ref
        for term in self.terms.values():
            if isinstance(term, CrlbWithLimits):
                term.update(data, limits)
            else:
                term.update(data)
        if self.rx is not None:
            self.rx.update(data)
        if self.objective == "min_utilisation":
            self.budget.value = np.array([data.budget(b) for b in range(data.network.n_bs)])
        if self.opts.comm_fraction is not None:
            rho = self.opts.comm_fraction
            self.comm_cap.value = np.array([rho * data.budget(b) for b in range(data.network.n_bs)])
            self.sense_cap.value = np.array([(1 - rho) * data.budget(b) for b in range(data.network.n_bs)])

    def set_weights(self, crlb_weights: np.ndarray, power_weight_m2_per_w: float) -> None:
        """Weights in SI (m^2 per m^2, m^2 per W) mapped to the solver units of the CRLB and the powers
        (call after ``update``: the per-target scales come from the data)."""
        self.crlb_weight.value = np.asarray(crlb_weights, float) * self.terms["crlb"].rel.value
        j = self.terms["crlb"].j_ref
        self.power_weight.value = power_weight_m2_per_w * j * self._p_ref

    def bound_si(self) -> float | None:
        v = self.problem.value
        if v is None or not np.isfinite(v):
            return None
        if self.kind is not None and self.kind.crlb:
            return float(v) / self.terms["crlb"].j_ref
        if self.objective == "min_power":
            return float(v) * self._p_ref
        return None


CRLB_MARGIN = 1e-5


class CrlbWithLimits(PositionCrlb):
    """PositionCrlb plus optional limits tr(X_t) <= j_t eps_t^2 (soft-able residuals for phase 1).

    The solver sees eps_t^2 (1 - CRLB_MARGIN): the Schur-complement LMI is met only to the
    solver's tolerance (~1e-6 relative), and the certificate checks the true limit at 1e-6.
    """

    def __init__(self, clusters, antennas, model, limits, sensing_streams=True):
        super().__init__(clusters, antennas, model, sensing_streams)
        self.has_limit = limits
        self.limit = cp.Parameter(len(clusters), nonneg=True, name="crlb_limit")

    def residuals(self, v):
        # in each target's own scale (tr(X_t) = j_t CRLB_t, O(1)): through the common scale j_ref the rows
        # of far and near targets differ by orders of magnitude
        return [(f"crlb:{t}", self.limit[t] - cp.trace(self.x[t])) for t, on in enumerate(self.has_limit) if on]

    def update(self, data, limits=None) -> None:  # type: ignore[override]
        super().update(data)
        self.limit.value = np.array([(lim**2 * (1 - CRLB_MARGIN) if lim is not None else 0.0) * scale
                                     for lim, scale in zip(limits or [None] * len(self.clusters), self.scales)])

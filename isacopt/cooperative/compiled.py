"""The cooperative SDP, compiled once per structure; data enter through Parameters.

One class serves every objective: each objective class (``isacopt.objectives``) builds its own
expression on these variables and terms: the CRLB objectives, minimum power, the weighted
CRLB-plus-power objective, the utilisation problems of the rate bisection (``MinUtilisation``) and
the surrogate problems of the sum-rate search (``RateSurrogate``).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from ..association import Association
from ..formulation.data import SnapshotData
from ..objectives import Objective
from ..terms.jt_eavesdropper import JointEavesdropperCaps
from ..terms.jt_sinr import JointSinr
from ..terms.link_gates import LinkGates
from ..terms.sensing_privacy import SensingPrivacy
from ..terms.position_crlb import PositionCrlb
from ..terms.power import PowerBudget
from .variables import CoMPVariables, blocks_for


class CompiledCoop:
    def __init__(self, opts, antennas: tuple[int, ...], assoc: Association, sinr_users: tuple[int, ...],
                 type2: tuple[bool, ...], limits: tuple[bool, ...], objective: type[Objective],
                 all_users: tuple[int, ...] = (), n_eves: int = 0, private: tuple[int, ...] = (),
                 gated: bool = False):
        """``objective``: a cooperative objective class, or a sub-problem's (MinUtilisation for a max-min-rate
        step, RateSurrogate for the sum-rate search), which builds its expression on these variables and terms.
        ``all_users``: users whose received powers the sum-rate surrogate needs; ``n_eves``: eavesdroppers
        (each caps every user's SINR at it); ``private``: those with a sensing-privacy cap; ``gated``: ``assoc``
        holds every candidate link of a cluster search, and each solve's chosen clusters (``update``'s
        ``active``) switch the others off (terms.link_gates), so the search compiles once."""
        self.opts, self.kind, self.n_bs = opts, objective, len(antennas)
        self.shared = {}  # BS -> users whose data it receives over the backhaul (non-head members of C_k)
        for k, cluster in enumerate(assoc.serving):
            for b in cluster[1:]:
                self.shared.setdefault(b, []).append(k)
        blocks = blocks_for(assoc.serving, antennas, opts.joint_transmission == "coherent")
        self.vars = CoMPVariables(antennas, blocks, opts.sensing_streams)
        self.terms: dict = {"power": PowerBudget(len(antennas))} if objective.power_budget else {}
        if sinr_users:
            self.terms["sinr"] = JointSinr(list(sinr_users), blocks, antennas, type2)
        if private:
            self.terms["privacy"] = SensingPrivacy(private, antennas)
        if n_eves:
            self.terms["eavesdropper"] = JointEavesdropperCaps(n_eves, list(range(len(assoc.serving))), blocks,
                                                               antennas, opts.sensing_streams)
        if gated:
            self.terms["gates"] = LinkGates(blocks)
        if objective.crlb or any(limits):
            self.terms["crlb"] = CrlbWithLimits(assoc.sensing, antennas, opts.crlb_model, limits, opts.sensing_streams)
        # received powers of every user, for the sum-rate surrogate (no constraints of its own)
        self.all_users = all_users
        self.rx = JointSinr(list(all_users), blocks, antennas, type2, with_targets=False) if all_users else None
        self.budget_scale = 1  # a utilisation objective scales every budget (and every split of it) by its level
        goal, extra = objective.expression(self)
        cons = list(self.vars.psd) + [c for t in self.terms.values() for c in t.constraints(self.vars)]
        self.problem = cp.Problem(goal, cons + self._split() + extra)
        self.accurate = True
        self.preferred = None  # the solver attempt that last reached "optimal" on this problem in this solve
        self.solves = 0
        self.data: SnapshotData | None = None

    def _split(self) -> list:
        """comm_fraction: each BS's communication streams get at most rho of its budget, sensing the rest."""
        if self.opts.comm_fraction is None:
            return []
        n_bs, v, scale = self.n_bs, self.vars, self.budget_scale
        self.comm_cap = cp.Parameter(n_bs, nonneg=True, name="comm_cap")
        self.sense_cap = cp.Parameter(n_bs, nonneg=True, name="sense_cap")
        return [c for b in range(n_bs) for c in (v.comm_power(b) <= scale * self.comm_cap[b],
                                                  v.power(b) - v.comm_power(b) <= scale * self.sense_cap[b])]

    def update(self, data: SnapshotData, limits, active: Association | None = None) -> None:
        """``active``: the chosen clusters, each a subset of the compiled one (a gated problem's choice)."""
        self.data = data
        if active is not None and "gates" in self.terms:
            self.terms["gates"].switch(data, active.serving)
            if "sinr" in self.terms:
                self.terms["sinr"].serving = active.serving
        if "crlb" in self.terms:
            self.terms["crlb"].active = active.sensing if active is not None else self.terms["crlb"].clusters
        for term in self.terms.values():
            if isinstance(term, LinkGates):
                continue
            if isinstance(term, CrlbWithLimits):
                term.update(data, limits)
            else:
                term.update(data)
        if self.rx is not None:
            self.rx.update(data)
        self.kind.update(self, data)
        if self.opts.comm_fraction is not None:
            rho = self.opts.comm_fraction
            self.comm_cap.value = np.array([rho * data.budget(b) for b in range(data.network.n_bs)])
            self.sense_cap.value = np.array([(1 - rho) * data.budget(b) for b in range(data.network.n_bs)])

    def bound_si(self) -> float | None:
        """The relaxation's optimal value in the objective's SI unit (None for a sub-problem's)."""
        v = self.problem.value
        if v is None or not np.isfinite(v) or self.data is None:
            return None
        return self.kind.bound_si(self, self.data, float(v))


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

"""The max-min-rate bisection's steps on the subspace path (``relaxation='auto'``).

Each level is the cvxpy path's utilisation problem, min alpha with every budget (and split share) scaled
by alpha, in linear form (``cooperative_linear_sdp(..., utilisation=True)``: max t = -alpha) and solved
by the subspace loop with its dual certificate. A level is reachable when the extracted design at it is
certified (alpha <= 1 in the relaxation first); out of reach only when the certified bound says alpha > 1
(t < -1); anything else leaves it open, as on the cvxpy path. Each level starts from the bases the last
one ended with. Root-CRLB limits stay constraints of every step (the targets' Fisher levels after t, in
the limits only: ``LinearSDP.limited_levels``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..association import Association
from ..formulation.data import SnapshotData
from ..solve.runner import SolveRecord
from .fast_path import certified_solve, design_of_result
from .linear_form import cooperative_linear_sdp

UTILISATION_TOL = 1e-6  # as the cvxpy path's: alpha within this of 1 counts as reachable
GAP_TOL = 1e-5  # relative to max(alpha, 1e-3): a level's decision needs alpha against 1, not to 1e-6 of itself
FEAS_TOL = 1e-6  # rows of the relaxed design met to this (the certificate then checks the extracted design)
REPAIRABLE = 1e-2  # ... or to this, with power to spare: then scaled up first (below)


class SubspaceLevels:
    """``feasible(db)`` for ``rates.max_min_rate``: True (a certified design at that common SINR, kept in
    ``kept``), False (proven out of reach) or None (nothing shown)."""

    def __init__(self, opts, data: SnapshotData, assoc: Association, draws: int, time_limit_s: float | None,
                 t0: float, records: list[SolveRecord]):
        self.opts, self.data, self.assoc, self.draws = opts, data, assoc, draws
        self.time_limit_s, self.t0, self.records = time_limit_s, t0, records
        self.kept: dict = {}
        self.bases = None

    def __call__(self, db: float) -> bool | None:
        data, n = self.data, self.data.network.n_users
        level = 10 ** (db / 10)
        step = data.with_sinr_targets((level,) * n)
        sdp = cooperative_linear_sdp(self.opts, step, self.assoc, utilisation=True)
        # the first design with alpha <= 1 settles the level (the loop need not find the least alpha)
        res = certified_solve(sdp, step, self.time_limit_s, self.t0, self.records, start=self.bases, gap_tol=GAP_TOL,
                              stop_when_feasible=True)
        self.bases = res.bases or self.bases
        self.kept["alpha"] = -res.value
        self.kept["alpha_bound"] = -res.bound  # alpha >= this for every design (the dual bound)
        if np.isfinite(res.bound) and -res.bound > 1 + UTILISATION_TOL:
            return False  # the dual bound (valid for any multipliers): alpha > 1 for every design
        # a design is judged by its own certificate, whatever the loop's status (a gap left open at a tiny
        # alpha decides nothing here)
        alpha = -res.value
        if not res.matrices or not alpha <= 1 + UTILISATION_TOL or res.violation > REPAIRABLE:
            return None
        if res.violation > FEAS_TOL and alpha < 1 and not data.network.n_eavesdroppers:
            # rows met only to Clarabel's reduced accuracy (root-CRLB limits at 1e-5 to 1e-2 of their caps where
            # they bind and the solve ends AlmostSolved): every covariance scaled up within the budget left
            # (Fisher information grows with it, every SINR too, the split's shares keep their ratio); the
            # certificate then decides); not with eavesdroppers, whose SINR and illumination grow with it too
            scale = min(1 / alpha, 1 + 2 * res.violation)
            res = replace(res, matrices=[m * scale for m in res.matrices], value=res.value * scale)
        # users are scheduled at the common rate: it is what the CoMP backhaul carries (SPEC.md 7)
        net = data.network.with_updates(users=[u.model_copy(update={"sinr_db": db}) for u in data.network.users])
        at = replace(step, network=net)
        found = design_of_result(self.opts, at, self.assoc, sdp, res, None, draws=self.draws)
        if not found[1].holds:
            return None
        self.kept.update(db=db, data=at, found=found)
        return True

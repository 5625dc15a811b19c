"""Why is a problem infeasible? A phase-1 problem with one slack per soft constraint.

Every term's residual ``r_i >= 0`` becomes ``r_i + s_i >= 0`` with ``s_i >= 0`` and the sum of
slacks is minimised. The constraints whose slack stays positive are the ones that conflict; the
conflicting constraints are then relaxed by one common slack, as little as possible, with every
other constraint kept: the values they reach together (SINR constraints report the SINR in dB)
are a relaxation that makes the relaxed problem feasible: lower those targets to them.
"""

from __future__ import annotations

import warnings

import cvxpy as cp
import numpy as np

from ..formulation.data import SnapshotData
from ..terms.base import Term, Variables

SLACK_TOL = 1e-6


_LABELS = {  # term label kind -> readable constraint, formatted with the network, data, index and extra
    "sinr": lambda net, d, i, x: f"SINR of user {net.users[i].id} >= {10 * np.log10(d.sinr_targets[i]):.4g} dB",
    "power": lambda net, d, i, x: f"power of {net.base_stations[i].id} <= {net.base_stations[i].power_w:g} W",
    "antenna": lambda net, d, i, x: f"per-antenna power of {net.base_stations[i].id} (antenna {x[0]})",
    "beampattern": lambda net, d, i, x: f"beampattern floor toward target {net.targets[i].id}",
    "sensing_sinr": lambda net, d, i, x: f"sensing SINR floor of target {net.targets[i].id}",
    "crlb": lambda net, d, i, x: f"root-CRLB limit of target {net.targets[i].id}",
}


def label_text(data: SnapshotData, label: str) -> str:
    """'sinr:3' -> 'SINR of user u3 >= 10 dB' (unknown kinds are returned as they are)."""
    kind, *idx = label.split(":")
    fmt = _LABELS.get(kind)
    return fmt(data.network, data, int(idx[0]), idx[1:]) if fmt else label


def phase_one(terms: dict[str, Term], variables: Variables, data: SnapshotData):
    """Minimise the total slack; returns (labels with positive slack, problem) or (None, problem) on failure."""
    residuals = [(lab, expr) for name, term in terms.items() for lab, expr in term.residuals(variables)]
    if not residuals:
        return None, None
    s = cp.Variable(len(residuals), nonneg=True)
    base = list(variables.psd) + [c for term in terms.values() for c in term.structural(variables)]
    cons = base + [expr + s[i] >= 0 for i, (_, expr) in enumerate(residuals)]
    prob = cp.Problem(cp.Minimize(cp.sum(s)), cons)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prob.solve(solver="CLARABEL", ignore_dpp=True)
        except cp.SolverError:
            return None, prob
    if prob.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        return None, prob
    slack = np.asarray(s.value)
    scale = max(1.0, float(np.max(np.abs(slack))))
    conflicting = [i for i, v in enumerate(slack) if v > SLACK_TOL * scale]
    balanced = _balance(residuals, conflicting, base)
    owner = {lab: term for term in terms.values() for lab, _ in term.residuals(variables)}
    out = []
    for i in conflicting:
        lab = residuals[i][0]
        reached = owner[lab].reached(variables, lab) if balanced else None
        out.append(label_text(data, lab) + (f" (reachable together: {reached})" if reached else ""))
    return out, prob


def _balance(residuals, conflicting: list[int], structural: list) -> bool:
    """Second stage: keep every other constraint, spread the violation evenly over the conflicting ones
    (min of the largest slack), so the values they reach together are a meaningful relaxation."""
    if not conflicting:
        return False
    t = cp.Variable(nonneg=True)
    cons = list(structural)
    cons += [expr + (t if i in conflicting else 0) >= 0 for i, (_, expr) in enumerate(residuals)]
    prob = cp.Problem(cp.Minimize(t), cons)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prob.solve(solver="CLARABEL", ignore_dpp=True)
        except cp.SolverError:
            return False
    return prob.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)

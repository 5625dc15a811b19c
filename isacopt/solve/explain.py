"""Why is a problem infeasible? A phase-1 problem with one slack per soft constraint.

Every term's residual ``r_i >= 0`` becomes ``r_i + s_i >= 0`` with ``s_i >= 0`` and the sum of
slacks is minimised. The constraints whose slack stays positive are the ones that conflict; the
conflict is made of SINR targets, a bisection finds the smallest common reduction of those targets
(in dB, every other constraint kept) that makes the relaxation feasible: the fix to apply.
"""

from __future__ import annotations


import cvxpy as cp
import numpy as np

from ..formulation.data import SnapshotData
from ..terms.base import Term, Variables
from .runner import solved_quietly

SLACK_TOL = 1e-6


_LABELS = {  # term label kind -> readable constraint, formatted with the network, data, index and extra
    "sinr": lambda net, d, i, x: f"SINR of user {net.users[i].id} >= {10 * np.log10(d.sinr_targets[i]):.4g} dB",
    "power": lambda net, d, i, x: f"power of {net.base_stations[i].id} <= {net.base_stations[i].power_w:g} W",
    "antenna": lambda net, d, i, x: f"per-antenna power of {net.base_stations[i].id} (antenna {x[0]})",
    "beampattern": lambda net, d, i, x: f"beampattern floor toward target {net.targets[i].id}",
    "sensing_sinr": lambda net, d, i, x: f"sensing SINR floor of target {net.targets[i].id}",
    "crlb": lambda net, d, i, x: f"root-CRLB limit of target {net.targets[i].id}",
    "privacy": lambda net, d, i, x: (f"beampattern of {net.base_stations[int(x[0])].id} toward eavesdropper "
                                     f"{net.eavesdroppers[i].id} <= {net.eavesdroppers[i].max_beampattern_w:g} W"),
    "eavesdropper": lambda net, d, i, x: (f"SINR of user {net.users[int(x[0])].id}'s data at eavesdropper "
                                          f"{net.eavesdroppers[i].id} <= {net.eavesdroppers[i].max_sinr_db:g} dB"),
}


def label_text(data: SnapshotData, label: str) -> str:
    """'sinr:3' -> 'SINR of user u3 >= 10 dB' (unknown kinds are returned as they are)."""
    kind, *idx = label.split(":")
    fmt = _LABELS.get(kind)
    return fmt(data.network, data, int(idx[0]), idx[1:]) if fmt else label


def phase_one(terms: dict[str, Term], variables: Variables, data: SnapshotData, *, backoff: bool = True):
    """Minimise the total slack; returns (labels with positive slack, problem) or (None, problem) on failure.
    ``backoff``: also find how far the conflicting SINR targets must come down (about a dozen more solves)."""
    residuals = [(lab, expr) for name, term in terms.items() for lab, expr in term.residuals(variables)]
    if not residuals:
        return None, None
    s = cp.Variable(len(residuals), nonneg=True)
    base = list(variables.psd) + [c for term in terms.values() for c in term.structural(variables)]
    cons = base + [expr + s[i] >= 0 for i, (_, expr) in enumerate(residuals)]
    prob = cp.Problem(cp.Minimize(cp.sum(s)), cons)
    if not solved_quietly(prob, solver="CLARABEL", ignore_dpp=True):
        return None, prob
    if prob.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        return None, prob
    slack = np.asarray(s.value)
    scale = max(1.0, float(np.max(np.abs(slack))))
    names = [lab for (lab, _), v in zip(residuals, slack) if v > SLACK_TOL * scale]
    out = [label_text(data, lab) for lab in names]
    reduction = sinr_backoff(terms, residuals, base, names) if backoff else None
    if reduction is not None:
        out = [f"{text} (feasible when these targets are lowered by {reduction:.4g} dB)" for text in out]
    if names and all(n.startswith("sinr:") for n in names) and any(lab.startswith("eavesdropper:")
                                                                      for lab, _ in residuals):
        # the cheapest fix names the SINR targets only; an eavesdropper's cap they collide with is the other
        # side (the budgets, the usual partner, go without saying): relax the rest with those targets held
        out += [f"held, they conflict with: {label_text(data, lab)}" for lab in _other_side(residuals, base, names)
                if lab.startswith("eavesdropper:")]
    return out, prob


def _other_side(residuals, base: list, names: list[str]) -> list[str]:
    """Labels that must give way when the constraints ``names`` are held (empty if none can be named)."""
    rest = [(lab, expr) for lab, expr in residuals if lab not in names]
    if not rest:
        return []
    s = cp.Variable(len(rest), nonneg=True)
    held = [expr >= 0 for lab, expr in residuals if lab in names]
    prob = cp.Problem(cp.Minimize(cp.sum(s)), base + held + [expr + s[i] >= 0 for i, (_, expr) in enumerate(rest)])
    if not solved_quietly(prob, solver="CLARABEL", ignore_dpp=True) or prob.status != cp.OPTIMAL:
        return []
    slack = np.asarray(s.value)
    scale = max(1.0, float(np.max(np.abs(slack))))
    return [lab for (lab, _), v in zip(rest, slack) if v > SLACK_TOL * scale]


def sinr_backoff(terms: dict[str, Term], residuals, base: list, names: list[str], *, tol_db: float = 0.01,
                 max_db: float = 60.0) -> float | None:
    """The smallest common reduction (dB) of the conflicting users' SINR targets that makes the relaxation
    feasible, every other constraint kept: a bisection on feasibility problems. ``None`` when the conflict
    involves other constraints, or lowering by ``max_db`` is not enough. The targets are restored."""
    sinr = next((t for t in terms.values() if hasattr(t, "set_targets") and hasattr(t, "current_targets")), None)
    if sinr is None or not names or not all(n.startswith("sinr:") for n in names):
        return None
    original = sinr.current_targets()
    users = [int(n.split(":")[1]) for n in names]
    # the budgets are hard here, so rows that hold for every design within them are left out: a loose
    # eavesdropper cap on every user made each probe ten times dearer (11-21 s at seven cells) for nothing
    loose = set().union(*(getattr(t, "loose", ()) for t in terms.values()))
    prob = cp.Problem(cp.Minimize(0), base + [expr >= 0 for lab, expr in residuals if lab not in loose])

    def feasible(db: float) -> bool:
        sinr.set_targets({**original, **{k: original[k] * 10 ** (-db / 10) for k in users}})
        if not solved_quietly(prob, solver="CLARABEL", ignore_dpp=True):
            return False
        return prob.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)

    try:
        if not feasible(max_db):
            return None
        lo, hi = 0.0, max_db  # infeasible at lo, feasible at hi
        while hi - lo > tol_db:
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if feasible(mid) else (mid, hi)
        return hi
    finally:
        sinr.set_targets(original)

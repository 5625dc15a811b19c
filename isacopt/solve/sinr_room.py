"""How much room do the users' SINR targets leave? Asked when no solver attempt settles a problem.

A problem whose SINR targets sit at the very edge of what the network reaches (a target at the max-min
SINR corner, say) has a feasible set with no interior: interior-point solvers end "inaccurate" there and
no attempt certifies. The room is the largest common margin m by which every SINR row can clear its
target, every other constraint kept:

    maximise m  subject to  g_k >= m (every user k),  every other residual >= 0,

with g_k the SINR rows in noise units (terms/sinr.py). g_k >= m is the target met with the noise raised
to (1 + m) sigma^2, so m reads as a noise margin of 10 log10(1 + m) dB: about 0 at the edge, negative
beyond it. The problem itself always has an interior (m can be lowered), so it solves where the original
did not.
"""

from __future__ import annotations

import math

import cvxpy as cp

from ..objectives import MaxMinSinr
from ..terms.base import Term, Variables
from .runner import solved_quietly

# below this noise margin [dB] the targets are reported as sitting on the edge of what the network reaches
EDGE_MARGIN_DB = 0.01


def sinr_room_db(terms: dict[str, Term], variables: Variables) -> float | None:
    """The targets' common noise margin 10 log10(1 + m) [dB] (negative: out of reach; -inf when m <= -1);
    None without SINR rows or when the margin problem does not solve either."""
    residuals = [(lab, expr) for term in terms.values() for lab, expr in term.residuals(variables)]
    sinr = [expr for lab, expr in residuals if lab.startswith("sinr:")]
    if not sinr:
        return None
    loose = set().union(*(getattr(t, "loose", ()) for t in terms.values()))
    m = cp.Variable(name="sinr_room")
    cons = list(variables.psd) + [c for term in terms.values() for c in term.structural(variables)]
    cons += [expr >= m for expr in sinr]
    cons += [expr >= 0 for lab, expr in residuals if not lab.startswith("sinr:") and lab not in loose]
    prob = cp.Problem(cp.Maximize(m), cons + [m <= 1e6])  # the cap only keeps a budget-free problem bounded
    if not solved_quietly(prob, solver="CLARABEL", ignore_dpp=True) or prob.status not in (
            cp.OPTIMAL, cp.OPTIMAL_INACCURATE) or m.value is None:
        return None
    margin = float(m.value)
    return 10 * math.log10(1 + margin) if margin > -1 else -math.inf


def room_text(room_db: float | None) -> str:
    """What a failure's reason says about the room its SINR targets leave ("" when unknown)."""
    if room_db is None:
        return ""
    if abs(room_db) < EDGE_MARGIN_DB:
        return (f"; the SINR targets sit on the edge of what the network reaches (noise margin {room_db:.2g} dB: "
                "the feasible set has next to no interior, where no solver settles): lower them by a few "
                f"hundredths of a dB, or ask for the largest common SINR with objective {MaxMinSinr.name}")
    if room_db < 0:
        return (f"; the SINR targets are out of reach (they would hold only with the noise {-room_db:.3g} dB lower): "
                "lower them")
    return f"; the SINR targets leave a noise margin of {room_db:.3g} dB"


__all__ = ["EDGE_MARGIN_DB", "room_text", "sinr_room_db"]

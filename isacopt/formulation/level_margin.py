"""A level search's step as a margin problem (the subspace path's max-min SINR and max-min sensing SINR).

At a level l every row of the level, a served user's ``S_i >= l D_i`` (formulation.linear's SINR rows) or a
probed target's sensing floor (sensing_sinr_rows), with S_i the signal and D_i the interference plus noise in
noise units (so ``D_i >= 1``), is asked as: maximise the common margin

    t <= S_i / l - D_i   for every row of the level,   t <= CAP,

under every other row (the users' own targets in a sensing search, the budgets). ``t >= 0`` is a design
that meets the level, a certified bound ``t_bar < 0`` proves the level out of reach, and any bound says
more. A design at the optimum level l* has
``S_i >= l* D_i``, so its margin at l is at least ``(l*/l - 1) D_i``: above l that is at least ``l*/l - 1``
(``D_i >= 1``), below l at least ``(l*/l - 1) D_max`` with ``D_max`` the most interference plus noise the
budgets allow at any row of the level. A bound ``t_bar < CAP`` thus gives ``l* <= l (1 + t_bar)`` when
``t_bar >= 0`` and ``l* <= l (1 + t_bar / D_max)`` when not (the parametric bound of Dinkelbach's method for
max-min ratios; Crouzeix, Ferland and Schaible 1985). The search learns an upper bound from every step, not
only from failed ones.

Why not the least power at the level: near the edge of feasibility its restricted problems zigzag (one Fig. 3
snapshot at Nt 16 took 38 and 40 restricted solves at two levels 0.03 dB under the optimum), while the margin
problem's first or second restricted solve finds a design there: the margin, unlike the power, points the
pricing at the directions the level needs. And a level out of reach still ends at a design that meets every
other row, near the optimum a near-optimal one: the search learns a reachable level from it too.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .linear import LinearSDP, Row

SENSING_ROWS = "sensing_sinr:"  # the rows of a sensing level (formulation.linear.sensing_sinr_rows)
USER_ROWS = "sinr:"  # the rows of a users' SINR level
# the margin is capped (at low levels S / l is huge and the margin would be unbounded in practice): one noise
# power, so a bound says something about levels up to 3 dB under the optimum
MARGIN_CAP = 1.0


def margin_problem(sdp: LinearSDP, level_rows: str, cap: float = MARGIN_CAP) -> LinearSDP:
    """``sdp`` (a level's least-power step) as the margin problem above. The rows whose labels start with
    ``level_rows`` read ``(S_i / l - D_i) / m >= 1 / m`` (m = 1 but for a sensing row's scale at low levels);
    they carry the margin as ``-t / m``, so each reads ``S_i / l - D_i >= t``, and are no longer elastic
    (t absorbs any shortfall)."""
    rows = [replace(r, tau=-r.rhs, elastic=False) if r.label.startswith(level_rows) else r for r in sdp.rows]
    if not any(r.label.startswith(level_rows) for r in rows):
        raise ValueError(f"margin_problem: no rows {level_rows!r}... (a level search's step needs them)")
    rows.append(Row("margin_cap", -cap, tau=-1.0))
    return LinearSDP(sdp.blocks, rows, "max_t", sdp.budget_rows, level_floor=0.0, gap_floor=1e-3,
                     in_power_units=False)


def interference_ceiling(sdp: LinearSDP, level_rows: str) -> float:
    """``D_max``: the largest interference plus noise (noise units) any row of the level in ``sdp`` can see
    within the budgets (each interfering BS's whole budget along its channel)."""
    budget = {b: -sdp.rows[i].rhs for b, i in sdp.budget_rows.items()}
    worst = 1.0
    for r in sdp.rows:
        if not r.label.startswith(level_rows):
            continue
        gain: dict[int, float] = {}  # per interfering BS: |g|^2 of its cross-link (the same on all its blocks)
        for X, alpha, v in r.terms:
            if alpha < 0 and v is not None:
                b = sdp.blocks[X].bs
                gain[b] = max(gain.get(b, 0.0), -alpha * float(np.vdot(v, v).real))
        # the row is divided by m = 1 / rhs: m times its interference terms is the interference itself
        worst = max(worst, 1.0 + sum(g * budget.get(b, 0.0) for b, g in gain.items()) / r.rhs)
    return worst


def level_bound_db(level_db: float, margin_bound: float, ceiling: float, cap: float = MARGIN_CAP) -> float:
    """The level [dB] no design reaches, from a certified bound on the margin at ``level_db`` and the
    ``interference_ceiling`` (inf when the bound says nothing: not below the cap, or not finite; -inf when
    no level at all is reachable)."""
    if not np.isfinite(margin_bound) or margin_bound >= cap:
        return float("inf")
    ratio = 1.0 + (margin_bound if margin_bound >= 0 else margin_bound / ceiling)
    return float(level_db + 10 * np.log10(ratio)) if ratio > 0 else float("-inf")

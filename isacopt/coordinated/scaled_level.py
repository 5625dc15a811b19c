"""The level a bisection step's design reaches once scaled up to the budgets (the subspace path's level searches).

A least-power design at a reachable level usually leaves budget unused. Scaled by the largest common factor
the budgets allow, every ratio of signal to interference plus noise grows (signal and interference scale
alike, the noise does not), zero-forcing nulls hold and the users' own SINR targets stay met: its worst SINR
(or worst probed target's sensing SINR) is a level some design reaches, and the search goes on from there.
Not with eavesdroppers (their SINR grows too) or per-antenna budgets (a common scale is then not the only
freedom, and the caps are per antenna): there the level itself.
"""

from __future__ import annotations

import numpy as np

from ..design import TransmitDesign
from ..formulation.data import SnapshotData
from ..metrics.comm import sinr
from ..metrics.sensing import at_heads, sensing_sinr
from ..units import linear_to_db


def scaled_up(step: SnapshotData, design: TransmitDesign, *, sensing: bool,
              per_antenna_power: bool) -> tuple[TransmitDesign, float] | None:
    """(the design scaled to the budgets, its worst SINR [dB] over the served users, or over the probed
    targets' sensing SINR when ``sensing``), or None when scaling does not apply or gains nothing."""
    net = step.network
    if net.n_eavesdroppers or per_antenna_power:
        return None
    used = np.asarray(design.power_w, float)
    budgets = np.array([b.power_w for b in net.base_stations])
    if not np.any(used > 0):
        return None
    scale = float(np.min(budgets[used > 0] / used[used > 0])) * (1 - 1e-6)
    if not scale > 1:
        return None
    up = TransmitDesign(tuple(b * np.sqrt(scale) for b in design.beams), tuple(s * scale for s in design.sensing))
    level = worst_level(step, up, sensing=sensing)
    return (up, level) if np.isfinite(level) else None


def worst_level(step: SnapshotData, design: TransmitDesign, *, sensing: bool) -> float:
    """The design's worst SINR [dB] over the served users, or over the probed targets' sensing SINR when
    ``sensing`` (-inf when there is none)."""
    net = step.network
    if sensing:
        heads = list(step.sensing)
        worst = sensing_sinr(net, step.channels, design, pairs=at_heads(step.channels.target_distance_m.shape, heads))
        values = [worst[b, t] for t, b in enumerate(heads)]
    else:
        g = sinr(net, step.channels, design, "coherent")
        values = [g[k] for k, b in enumerate(step.serving) if b >= 0]
    return float(linear_to_db(min(values))) if values else -np.inf

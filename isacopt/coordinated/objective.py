"""The objective of a design in SI units, computed with the metric functions (not the solver)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..design import TransmitDesign
from ..evaluate import Evaluation
from ..formulation.data import SnapshotData
from ..metrics.comm import sensing_interference, stream_powers
from ..objectives import units
from ..units import linear_to_db
from .compiled import margin_ceiling

if TYPE_CHECKING:
    from .coordinated import CoordinatedBeamforming

UNITS = units("coordinated")  # name -> unit, from the objective classes


def design_objective(opts: "CoordinatedBeamforming", data: SnapshotData, ev: Evaluation,
                     design: TransmitDesign) -> float:
    o, heads = opts.objective, data.sensing
    if o == "min_power":
        return float(design.power_w.sum())
    if o == "max_min_beampattern":
        return float(min(ev.gains[b, t] for t, b in enumerate(heads)))
    if o == "min_angle_crb":
        crbs = [ev.angle_crb[b, t] for t, b in enumerate(heads)]
        return float(sum(crbs) if opts.crb == "sum" else max(crbs))
    if o == "max_min_sinr":
        return float(linear_to_db(min(ev.sinr[k] for k, b in enumerate(data.serving) if b >= 0)))
    net = data.network  # weighted: the relaxation's normalisation
    sens = min(ev.gains[b, t] / (net.base_stations[b].tx_antennas * net.base_stations[b].power_w)
               for t, b in enumerate(heads))
    p = stream_powers(data.channels, design)
    si = sensing_interference(data.channels, design)
    margins = []
    for k, gamma in enumerate(data.sinr_targets):
        if gamma is None or data.serving[k] < 0:
            continue
        iota = 0.0 if net.users[k].receiver == "type2" else 1.0
        inter = p[k].sum() - p[k, k] + iota * si[k]
        margins.append((p[k, k] / gamma - inter - data.noise) / data.noise / margin_ceiling(data, k))
    return float(opts.weight * sens + (1 - opts.weight) * min(margins))


def combine_bounds(opts: "CoordinatedBeamforming", bounds: list[float | None]) -> float | None:
    """The whole problem's bound from its independent components' bounds."""
    if any(b is None for b in bounds):
        return None
    o = opts.objective
    if o == "min_power" or (o == "min_angle_crb" and opts.crb == "sum"):
        return float(sum(bounds))
    if o == "min_angle_crb":
        return float(max(bounds))
    return float(min(bounds))  # max-min objectives: the worst component decides

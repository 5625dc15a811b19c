"""Coordinated beamforming's weighted trade-off: w * (normalised worst beampattern gain) + (1 - w) * (worst
normalised SINR margin), maximised (dimensionless)."""

import cvxpy as cp
import numpy as np

from ..formulation.linear import margin_ceiling
from ..metrics.comm import sensing_interference, stream_powers
from .base import Objective


class WeightedTradeoff(Objective):
    name = "weighted"
    unit = "1"
    maximise = True
    needs = "targets"
    description = "weighted sensing gain and SINR margin, both normalised"
    hard_sinr_targets = False  # SINR margins are objective terms
    linear_form = "two_levels"  # on the subspace path (formulation.linear)
    sinr_in_objective = True
    decomposable = False  # its normalisation couples every BS
    needs_sinr_targets = True  # they normalise the communication margins
    search_refusal = "mixes normalised terms whose bound does not survive leaving nodes out"

    @classmethod
    def expression(cls, compiled):
        v, beam, sinr = compiled.vars, compiled.terms["beampattern"], compiled.terms["sinr"]
        n_t = len(compiled.structure.sensing)
        # the normalisers multiply the levels, not the Parameter-affine gains and margins: a Parameter times
        # a Parameter-affine expression is outside cvxpy's DPP rules (a fresh canonicalisation every solve)
        compiled.gain_norm = cp.Parameter(n_t, pos=True, name="gain_norm")
        compiled.margin_norm = cp.Parameter(len(sinr.users), pos=True, name="margin_norm")
        ts, tc = cp.Variable(name="sensing_level"), cp.Variable(name="comm_margin")
        cons = [compiled.gain_norm[i] * ts <= beam.gain(v, i) for i in range(n_t)]
        cons += [compiled.margin_norm[i] * tc <= sinr.margin(v, k) for i, k in enumerate(sinr.users)]
        w = compiled.opts.weight
        return cp.Maximize(w * ts + (1 - w) * tc), cons

    @classmethod
    def update(cls, compiled, data) -> None:
        compiled.gain_norm.value = np.array([data.network.base_stations[b].tx_antennas * data.budget(b)
                                             for b in data.sensing])
        compiled.margin_norm.value = np.array([margin_ceiling(data, k) for k in compiled.terms["sinr"].users])

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        net = data.network  # the relaxation's normalisation
        sens = min(ev.gains[b, t] / (net.base_stations[b].tx_antennas * net.base_stations[b].power_w)
                   for t, b in enumerate(data.sensing))
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

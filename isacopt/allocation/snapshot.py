"""One snapshot of one tuple: the sums an allocation averages (SPEC.md sections 8 and 10).

A closed-form design is evaluated on the served users and probed targets only (a sub-network with the
same channels: an unserved user has no beam and an unprobed target no say in the design, so their
removal changes no served user's SINR and no probed target's sensing SINR); the metric functions are
those of :func:`isacopt.evaluate.evaluate`. Other designs are solved and read from their Solution.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..channels.derive import Channels
from ..design import TransmitDesign
from ..metrics import in_window, radar_rate, rate, sinr
from ..metrics.sensing import sensing_sinr_at
from ..network.model import Network

SUMS = ("n_users", "n_targets", "n_served", "n_probed", "sum_rate", "sum_radar")


def closed_form_sums(problem, network: Network, channels: Channels) -> dict[str, Any]:
    """Sums over the window of a ``kind: baseline`` design on one snapshot (DegreesOfFreedomError propagates)."""
    cf = problem.design_for(network, channels)
    users_in, targets_in = in_window(network)
    # every served user stays (its beam interferes, in the window or not); only the window's are summed
    served = [k for k, c in enumerate(cf.association.serving) if c]
    probed = [t for t, b in enumerate(cf.probing) if b >= 0 and targets_in[t]]
    all_bs = list(range(network.n_bs))
    sub = network.model_construct(**{**{f: getattr(network, f) for f in type(network).model_fields},
                                     "users": tuple(network.users[k] for k in served),
                                     "targets": tuple(network.targets[t] for t in probed)})
    ch = channels.subset(all_bs, served, probed)
    design = TransmitDesign(tuple(w[:, served] for w in cf.design.beams), cf.design.sensing)
    r = rate(sinr(sub, ch, design))[users_in[served]] if served else np.zeros(0)
    heads = [cf.association.sensing[t][0] for t in probed]
    radar = radar_rate(sensing_sinr_at(sub, ch, design, heads))
    return {"n_users": int(users_in.sum()), "n_targets": int(targets_in.sum()), "n_served": len(r),
            "n_probed": len(probed), "sum_rate": float(r.sum()), "sum_radar": float(radar.sum())}


def solution_sums(network: Network, solution) -> dict[str, Any]:
    """The same sums read from a Solution (its per-node served / probed flags)."""
    users_in, targets_in = in_window(network)
    served = users_in & np.array([u.served for u in solution.users], dtype=bool)
    probed = targets_in & np.array([t.probed for t in solution.targets], dtype=bool)
    return {"n_users": int(users_in.sum()), "n_targets": int(targets_in.sum()), "n_served": int(served.sum()),
            "n_probed": int(probed.sum()),
            "sum_rate": float(np.array([u.rate_bps_hz for u in solution.users])[served].sum()),
            "sum_radar": float(np.array([t.radar_rate_bps_hz for t in solution.targets])[probed].sum())}

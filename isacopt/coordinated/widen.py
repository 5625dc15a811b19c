"""Back from the probed targets a design was posed on to every target of the network (SPEC.md 8, 10).

A transmit design does not depend on the targets (beams per user, one sensing covariance per BS), so a
design optimised for the probed targets is evaluated once more on the whole network: every target gets
its metrics (what its nearest BS sees), flagged ``probed`` or not, and the ASEs count the probed ones.
"""

from __future__ import annotations

from ..association import Association
from ..channels.derive import derive_channels
from ..evaluate import evaluate
from ..formulation.data import SnapshotData
from ..network.model import Network
from ..results import Solution


def with_every_target(solution: Solution, network: Network, data: SnapshotData, probing: tuple[int, ...]) -> Solution:
    """``solution`` (posed on the probed targets of ``network``) with the targets and network metrics of
    every target; the users, BSs, objective and certificate are those of the solved problem."""
    design = solution.design
    if design is None:
        return solution
    heads = [c[0] for c in Association.nearest(network).sensing]
    assoc = Association(serving=tuple(() if h < 0 else (h,) for h in data.serving),
                        sensing=tuple((b if b >= 0 else heads[t],) for t, b in enumerate(probing)))
    ev = evaluate(network, derive_channels(network), design, assoc, nulls=data.nulls, sinr_targets=data.sinr_targets,
                  probed=[b >= 0 for b in probing])
    return solution.model_copy(update={"targets": ev.targets, "network": ev.network}).with_design(design)

"""Closed-form baselines as a problem kind (SPEC.md section 9): MRT / ZF / RZF with a fixed power split.

No optimisation: each BS serves its nearest users (at most ``max_users_per_bs``, nearest first)
with the chosen precoder, gives ``comm_fraction`` of its budget to them in equal shares and the
rest to its sensing signal; targets are sensed by their ``sensing_cluster`` nearest BSs. The
solution carries every metric recomputed from that design with status ``closed_form`` (no
objective, no bound: nothing was optimised). Used by sweeps as the reference curves, and usable
in problem files (``kind: baseline``).
"""

from __future__ import annotations

import time
from typing import Literal

from pydantic import Field

from .._model import ProblemModel
from ..association import Association
from ..baselines import baseline_design
from ..channels.derive import derive_channels
from ..evaluate import evaluate
from ..network.model import Network
from ..formulation.shared_preparation import check_cluster_sizes
from ..results import Solution, Timing
from ..solve.outcome import make_solution
from .preparation import serving_heads


class BaselineDesign(ProblemModel):
    """A closed-form design (``kind: baseline``): no optimisation, for reference curves.

    Every BS splits its budget P_b: ``comm_fraction`` to its users' beams (``precoder``: maximum-ratio
    ``mrt``, intra-cell zero-forcing ``zf`` or regularised ``rzf``, equal power per user) and the rest
    to a sensing covariance (``sensing``: ``isotropic`` P/Nt I, ``directional`` toward its targets,
    or ``none``). ``solve(network)`` evaluates every metric of the design (status ``closed_form``)."""

    kind: Literal["baseline"] = "baseline"
    precoder: Literal["mrt", "zf", "rzf"] = "zf"
    comm_fraction: float = Field(0.5, ge=0, le=1, description="share of each BS budget on data beams")
    sensing: Literal["isotropic", "directional", "none"] = "directional"
    sensing_cluster: int = Field(1, ge=1, le=1000, description="targets sensed by their Q nearest BSs")
    pairs: Literal["fusion", "multistatic", "coherent"] = "multistatic"
    max_users_per_bs: int | None = Field(None, ge=0, le=10_000)

    @property
    def objective(self) -> str:
        """Always ``"none"``: a closed-form design optimises nothing."""
        return "none"

    def check(self, network: Network) -> None:
        """Every check :meth:`solve` makes (a closed form: evaluating it is the check); raises ValidationError."""
        self.solve(network)

    def solve(self, network: Network, *, time_limit_s: float | None = None) -> Solution:
        """Evaluate the closed-form design on ``network`` (``time_limit_s`` is accepted and unused)."""
        t0 = time.perf_counter()
        check_cluster_sizes(network, sensing_cluster=self.sensing_cluster)
        channels = derive_channels(network)
        heads = serving_heads(network, None, self.max_users_per_bs)
        assoc = Association(serving=tuple(() if h < 0 else (h,) for h in heads),
                            sensing=Association.nearest(network, sensing_cluster=self.sensing_cluster).sensing)
        design = baseline_design(network, channels, precoder=self.precoder, comm_fraction=self.comm_fraction,
                                 sensing=self.sensing, association=assoc)
        ev = evaluate(network, channels, design, assoc, joint="coherent", pairs=self.pairs)
        return make_solution(status="closed_form", problem=repr(self), objective_name="none", objective_unit="",
                             evaluation=ev, design=design, network=network,
                             timing=Timing(total_s=time.perf_counter() - t0, recompiled=False))

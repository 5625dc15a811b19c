"""Closed-form designs as a problem kind (``kind: baseline``): the analytical model of SPEC.md 9-10.

No optimisation: each BS serves its ``users_per_bs`` (K) nearest associated users and probes its
``targets_per_bs`` (M) nearest targets; BS j nulls the served users of its ``comm_cluster - 1``
nearest BSs and protects the radar receivers of its ``sensing_cluster - 1`` nearest BSs
(``sensing_null_rank``); inside that null space it computes the ``precoder``'s beams, equal power
per stream, ``comm_fraction`` of its budget on data when the sensing streams are ``dedicated``
(see :mod:`isacopt.closed_form`). A BS without the antennas for its streams and nulls refuses
(DegreesOfFreedomError naming it: a ``dof_refused`` row in a sweep). The solution carries every
metric recomputed from that design with status ``closed_form`` (no objective, no bound); the ASEs
count served users and probed targets only.

Cooperative S&C (SPEC.md 11): ``joint_cluster`` L > 1 serves each served user coherently from its L
nearest BSs (every BS beams to all the users it carries); ``radar_cluster`` Q makes each probed target a
distributed-radar target of its Q nearest BSs. With finite backhaul capacities the request is trimmed
to what each BS's backhaul carries (``backhaul: admit``, :mod:`isacopt.admission`): raw-echo sharing per
target or a fall-back to fusion, and user rates capped by their share of the data backhaul.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

import numpy as np

from ..admission import admit_sensing, rate_caps, trim_comp
from ..association import Association, nearest_clusters
from ..channels.derive import Channels, derive_channels
from ..closed_form import closed_form_design
from ..evaluate import evaluate
from ..design import TransmitDesign
from ..formulation.nullspace import NullSpaces, null_spaces
from ..formulation.shared_preparation import check_cluster_sizes
from ..load_options import LoadOptions
from ..loads import nodes_of, probed_targets
from ..metrics.comm import sinr
from ..metrics.position_crlb import CrlbModel
from ..network.model import Network
from ..results import Solution, Timing
from ..solve.outcome import make_solution
from .preparation import serving_heads


def nearest_bs_orders(network: Network, users: list[int]) -> dict[int, list[int]]:
    """Per user of ``users``, the BS indices by distance from it, nearest first (one array operation)."""
    if not users:
        return {}
    d = np.linalg.norm(network.bs_positions[None, :, :] - network.user_positions[users][:, None, :], axis=2)
    return dict(zip(users, np.argsort(d, axis=1).tolist()))


class BaselineDesign(LoadOptions):
    """A closed-form design (``kind: baseline``): no optimisation, for reference curves and the analytical model.

    ``precoder``: maximum-ratio ``mrt``, zero-forcing ``zf``, regularised ``rzf`` (noise regulariser) or
    interference-aware ``mmse``, computed inside each BS's null space; ``sensing_streams``: ``dedicated``
    (one extra beam per probed target, ``1 - comm_fraction`` of the budget) or ``shared`` (the data beams
    are the sensing signal); ``sensing``: dedicated beams ``directional`` (toward the targets) or
    ``isotropic``, or ``none``. ``radar_cluster`` N > 1 makes each probed target a multistatic target of
    its N nearest BSs (each illuminates it; position CRLB over ``pairs``). ``solve(network)`` evaluates
    every metric of the design (status ``closed_form``)."""

    kind: Literal["baseline"] = "baseline"
    precoder: Literal["mrt", "zf", "rzf", "mmse"] = "zf"
    comm_fraction: float = Field(0.5, ge=0, le=1, description="rho: share of each BS budget on data beams "
                                 "(dedicated sensing streams)")
    sensing: Literal["isotropic", "directional", "none"] = "directional"
    sensing_streams: Literal["shared", "dedicated"] = Field(
        "dedicated", description="'dedicated': M sensing beams next to the K data beams; 'shared': the data beams "
        "illuminate the targets (no sensing stream)")
    comm_cluster: int = Field(1, ge=1, le=1000, description="L: BS j nulls the served users of its L-1 nearest BSs")
    sensing_cluster: int = Field(1, ge=1, le=1000, description="Q: BS j protects the radar receivers of its Q-1 "
                                 "nearest BSs")
    sensing_null_rank: Literal["full", "beam", "los"] = Field(
        "full", description="cost of protecting one receiver: 'full' the cross-link's rank (Nr), 'beam' one null per "
        "target that receiver's BS probes, 'los' one null (the cross-link's strongest direction)")
    radar_cluster: int = Field(1, ge=1, le=1000, description="each probed target is sensed by its N nearest BSs "
                               "(multistatic position CRLB); every one of them illuminates it")
    pairs: Literal["fusion", "multistatic", "coherent"] = "multistatic"
    joint_cluster: int = Field(1, ge=1, le=1000, description="CoMP: each served user is served coherently by its "
                               "joint_cluster nearest BSs (its head first), each beaming to every user it carries")
    sensing_waveform: Literal["orthogonal", "unified"] = Field(
        "orthogonal", description="position CRLB: cross-BS pairs see only the sensing beams ('orthogonal') or the "
        "whole covariance ('unified'); SPEC 11")
    crlb_interference: bool = Field(False, description="position CRLB with pair SINRs (BS-to-BS interference)")
    angle_information: bool = Field(False, description="position CRLB: monostatic angle information added")
    project_sensing: bool = Field(True, description="dedicated sensing beams kept off the BS's own users' "
                                  "channels (false: plain steering vectors, which then interfere with them)")
    data_power: Literal["equal", "gain"] = Field(
        "equal", description="a BS's data power in equal shares per stream, or proportional to the channel gains "
        "of the users it carries ('gain': with CoMP, a helper BS gives little to users far from it)")
    clamp_clusters: bool = Field(False, description="cluster sizes (L, Q, joint_cluster, radar_cluster) larger than "
                                 "the network use every BS instead of refusing (network studies: a sparse Poisson "
                                 "draw has fewer BSs than the largest cluster asked)")
    backhaul: Literal["admit", "ignore"] = Field(
        "admit", description="with finite backhaul capacities: 'admit' trims the clusters and caps the rates to "
        "what each BS's backhaul carries (isacopt.admission); 'ignore' reports the load only")

    @property
    def crlb_model(self) -> CrlbModel:
        """The position-CRLB options of this design."""
        return CrlbModel(self.pairs, self.sensing_waveform, self.crlb_interference, self.angle_information)

    @property
    def objective(self) -> str:
        """Always ``"none"``: a closed-form design optimises nothing."""
        return "none"

    def check(self, network: Network) -> None:
        """Every check :meth:`solve` makes (a closed form: evaluating it is the check); raises ValidationError."""
        self.solve(network)

    def design_for(self, network: Network, channels: Channels) -> ClosedForm:
        """The closed-form design of ``network`` and the loads and nulls it was computed for."""
        size = (lambda n: min(n, network.n_bs)) if self.clamp_clusters else (lambda n: n)
        comm_cluster, sensing_cluster = size(self.comm_cluster), size(self.sensing_cluster)
        radar_cluster, joint_cluster = size(self.radar_cluster), size(self.joint_cluster)
        check_cluster_sizes(network, comm_cluster=comm_cluster, sensing_cluster=sensing_cluster)
        check_cluster_sizes(network, sensing_cluster=radar_cluster)
        served = serving_heads(network, None, self.users_per_bs)
        radar = nearest_clusters(network.bs_positions, network.target_positions, radar_cluster)
        # a cluster's head is the nearest BS (ties: the lower index), as probed_targets would find again
        probing = probed_targets(network, self.targets_per_bs, heads=[c[0] for c in radar])
        comp = joint_cluster > 1
        check_cluster_sizes(network, comm_cluster=joint_cluster)
        if comp:
            order = nearest_bs_orders(network, [k for k, h in enumerate(served) if h >= 0])
            serving = tuple(() if h < 0 else (h, *[b for b in order[k] if b != h][:joint_cluster - 1])
                            for k, h in enumerate(served))
        else:
            serving = tuple(() if h < 0 else (h,) for h in served)
        signal = tuple(False for _ in radar)
        left = None
        if self.backhaul == "admit" and any(b.backhaul_bps is not None for b in network.base_stations):
            adm = admit_sensing(network, radar, [p >= 0 for p in probing], self.pairs != "fusion")
            radar, signal, left = adm.clusters, adm.signal, adm.left_bps
            serving = trim_comp(serving, left)
        elif self.pairs != "fusion":
            signal = tuple(len(c) > 1 for c in radar)
        illuminated: list[list[int]] = [[] for _ in range(network.n_bs)]
        for t, c in enumerate(radar):
            for b in c if probing[t] >= 0 else ():
                illuminated[b].append(t)
        own = nodes_of(served, network.n_bs)
        carried = own  # without CoMP a BS carries the users it heads
        if comp:
            carried = [[] for _ in range(network.n_bs)]
            for k, c in enumerate(serving):
                for b in c:
                    carried[b].append(k)
        # the model's M dedicated beams are streams (SPEC.md section 10); without a target load the sensing
        # signal is a covariance toward however many targets, which needs one dimension, not one per target;
        # CoMP's regularised beams and sensing beams not kept off the users need no dimension per stream
        # (zero-forcing refuses by itself)
        dedicated = self.sensing_streams == "dedicated" and self.sensing != "none" and self.targets_per_bs is not None
        streams = [0] * network.n_bs if comp or not self.project_sensing else \
            [len(own[b]) + (len(illuminated[b]) if dedicated else 0) for b in range(network.n_bs)]
        nulls = null_spaces(network, channels, list(served), comm_cluster=comm_cluster,
                            sensing_cluster=sensing_cluster, sensing_bs=[b for b in range(network.n_bs)
                                                                              if illuminated[b]],
                            sensing_null_rank=self.sensing_null_rank, probing=probing, streams=streams)
        design = closed_form_design(network, channels, served=served, illuminated=illuminated, nulls=nulls,
                                    precoder=self.precoder, sensing_streams=self.sensing_streams,
                                    comm_fraction=self.comm_fraction, sensing=self.sensing,
                                    carried=carried, project_sensing=self.project_sensing,
                                    data_power=self.data_power)
        assoc = Association(serving=serving, sensing=radar)
        caps = None
        if left is not None:
            caps = rate_caps(network, serving, np.log2(1 + sinr(network, channels, design, "coherent")), left)
        return ClosedForm(design, assoc, probing, nulls, signal, caps)

    def solve(self, network: Network, *, time_limit_s: float | None = None) -> Solution:
        """Evaluate the closed-form design on ``network`` (``time_limit_s`` is accepted and unused)."""
        t0 = time.perf_counter()
        channels = derive_channels(network)
        cf = self.design_for(network, channels)
        pairs = [self.pairs if sig else "fusion" for sig in cf.signal]
        levels = ["none" if p < 0 else ("signal" if sig else "data") for p, sig in zip(cf.probing, cf.signal)]
        ev = evaluate(network, channels, cf.design, cf.association, joint="coherent", pairs=self.pairs,
                      nulls=cf.nulls, probed=[b >= 0 for b in cf.probing], crlb=self.crlb_model,
                      target_pairs=pairs, sensing_level=levels, rate_caps=cf.rate_caps)
        return make_solution(status="closed_form", problem=repr(self), objective_name="none", objective_unit="",
                             evaluation=ev, design=cf.design, network=network,
                             timing=Timing(total_s=time.perf_counter() - t0, recompiled=False))


@dataclass(frozen=True, eq=False)
class ClosedForm:
    """A closed-form design with the association (serving heads, radar clusters), the probing BS of every
    target (-1: unprobed) and the null spaces it was computed in."""

    design: TransmitDesign
    association: Association
    probing: tuple[int, ...]
    nulls: NullSpaces
    signal: tuple[bool, ...] = ()            # per target: signal-level pairs admitted (else fusion)
    rate_caps: np.ndarray | None = None      # per user: what its backhaul carries [bit/s/Hz] (None: no limit)

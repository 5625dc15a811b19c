"""The SDP relaxation of coordinated ISAC beamforming, compiled once per Structure.

Data enter only through cvxpy Parameters (every term is DPP), so a new
snapshot of the same structure re-solves by assigning values: cvxpy reuses its
compiled mapping from parameters to solver data.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import cvxpy as cp
import numpy as np

from ..formulation.data import SnapshotData
from ..terms.angle_crb import AngleCrb
from ..objectives.weighted_tradeoff import margin_ceiling
from ..terms.base import Term, Variables
from ..terms.beampattern import Beampattern
from ..terms.power import PerAntennaPower, PowerBudget
from ..terms.sensing_sinr import SensingSinrFloor
from ..terms.sinr import SinrConstraints
from .structure import Structure

if TYPE_CHECKING:
    from .coordinated import CoordinatedBeamforming


def make_terms(opts: "CoordinatedBeamforming", st: Structure) -> dict[str, Term]:
    n_bs = len(st.dims)
    terms: dict[str, Term] = {"power": PowerBudget(n_bs)}
    if opts.per_antenna_power:
        terms["antenna"] = PerAntennaPower(st.dims, st.antennas)
    if st.sinr_users:
        inter = {k: list(st.interferers[k]) for k in st.sinr_users}
        terms["sinr"] = SinrConstraints(list(st.sinr_users), st.serving, st.dims, st.type2, inter)
    if st.sensing:
        beam = Beampattern(st.sensing, st.dims, with_floor=opts.beampattern_floor_w is not None)
        beam.floor_w = None if opts.beampattern_floor_w is None else np.full(len(st.sensing), opts.beampattern_floor_w)
        terms["beampattern"] = beam
        if opts.sensing_sinr_db is not None:
            ss = SensingSinrFloor(st.sensing, st.dims)
            ss.gamma = 10.0 ** (opts.sensing_sinr_db / 10.0)
            terms["sensing_sinr"] = ss
        if opts.objective == "min_angle_crb":
            terms["crb"] = AngleCrb(st.sensing, st.dims)
    return terms


class CompiledSDP:
    """One cvxpy Problem for a Structure; ``update`` assigns a snapshot's data, ``problem`` solves."""

    def __init__(self, opts: "CoordinatedBeamforming", st: Structure, variables: Variables | None = None):
        t0 = time.perf_counter()
        self.opts, self.structure = opts, st
        self.vars = variables or Variables.sdp(st.dims, st.serving, opts.sensing_streams)
        self.terms = make_terms(opts, st)
        soft_sinr = opts.objective == "weighted"
        constraints = list(self.vars.psd) + [c for name, term in self.terms.items()
                                             if not (soft_sinr and name == "sinr") for c in term.constraints(self.vars)]
        objective, extra = self._objective()
        self.problem = cp.Problem(objective, constraints + extra)
        self.build_s = time.perf_counter() - t0
        self.solves = 0

    # -- objectives -------------------------------------------------------------------
    def _objective(self) -> tuple[Any, list[cp.Constraint]]:
        o, v, n_bs = self.opts.objective, self.vars, len(self.structure.dims)
        if o in ("min_power", "max_min_sinr"):
            return cp.Minimize(cp.sum([v.power(b) for b in range(n_bs)])), []
        if o == "max_min_beampattern":
            t = cp.Variable(name="min_gain")
            beam = self.terms["beampattern"]
            return cp.Maximize(t), [beam.gain(v, i) >= t for i in range(len(self.structure.sensing))]  # type: ignore[attr-defined]
        if o == "min_angle_crb":
            crb: AngleCrb = self.terms["crb"]  # type: ignore[assignment]
            if self.opts.crb == "sum":
                return cp.Minimize(crb.sum_objective()), []
            u = cp.Variable(nonneg=True, name="crb_level")
            return cp.Maximize(u), [crb.tau >= cp.multiply(crb.weights, u)]
        if o == "weighted":
            beam = self.terms["beampattern"]
            sinr: SinrConstraints = self.terms["sinr"]  # type: ignore[assignment]
            n_t = len(self.structure.sensing)
            self.gain_scale = cp.Parameter(n_t, nonneg=True, name="gain_scale")
            self.margin_scale = cp.Parameter(len(sinr.users), nonneg=True, name="margin_scale")
            ts, tc = cp.Variable(name="sensing_level"), cp.Variable(name="comm_margin")
            cons = [ts <= self.gain_scale[i] * beam.gain(v, i) for i in range(n_t)]  # type: ignore[attr-defined]
            cons += [tc <= self.margin_scale[i] * sinr.margin(v, k) for i, k in enumerate(sinr.users)]
            w = self.opts.weight
            return cp.Maximize(w * ts + (1 - w) * tc), cons
        raise AssertionError(o)

    def update(self, data: SnapshotData) -> None:
        for term in self.terms.values():
            term.update(data)
        if self.opts.objective == "weighted":
            self.gain_scale.value = np.array([1.0 / (data.network.base_stations[b].tx_antennas * data.budget(b))
                                              for b in data.sensing])
            self.margin_scale.value = np.array([1.0 / margin_ceiling(data, k) for k in self.terms["sinr"].users])

    def bound_si(self, data: SnapshotData) -> float | None:
        """The relaxation's optimal value in the objective's SI unit."""
        val = self.problem.value
        if val is None or not np.isfinite(val):
            return None
        o = self.opts.objective
        if o in ("min_power", "max_min_beampattern"):
            return float(val) * data.p_ref
        if o == "min_angle_crb":
            ref = self.terms["crb"].crb_ref  # type: ignore[attr-defined]
            return ref * float(val) if self.opts.crb == "sum" else (ref / float(val) if val > 0 else np.inf)
        return float(val)

    def values(self) -> tuple[dict[int, np.ndarray], list[np.ndarray | None]]:
        users = {k: np.asarray(s.value) for k, s in self.vars.user.items()}
        sens = [None if s is None else np.asarray(s.value) for s in self.vars.sensing]
        return users, sens

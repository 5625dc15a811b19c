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
from ..solve.runner import canonicalise_per_solve
from ..terms.angle_crb import AngleCrb
from ..terms.base import Term, Variables
from ..terms.beampattern import Beampattern
from ..terms.eavesdropper import EavesdropperCaps
from ..terms.sensing_privacy import SensingPrivacy
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
    if st.eavesdroppers and any(b >= 0 for b in st.serving):
        terms["eavesdropper"] = EavesdropperCaps(st.eavesdroppers, st.serving, st.dims)
    if st.private:
        terms["privacy"] = SensingPrivacy(st.private, st.dims)
    if st.sensing:
        beam = Beampattern(st.sensing, st.dims, with_floor=opts.beampattern_floor_w is not None)
        beam.floor_w = None if opts.beampattern_floor_w is None else np.full(len(st.sensing), opts.beampattern_floor_w)
        terms["beampattern"] = beam
        if opts.sensing_sinr_db is not None or opts.objective_class.sensing_level:
            ss = SensingSinrFloor(st.sensing, st.dims)  # a sensing-level bisection sets gamma per step
            ss.gamma = 10.0 ** (opts.sensing_sinr_db / 10.0) if opts.sensing_sinr_db is not None else 1.0
            terms["sensing_sinr"] = ss
        if opts.objective_class.angle_crb:
            terms["crb"] = AngleCrb(st.sensing, st.dims)
    return terms


class CompiledSDP:
    """One cvxpy Problem for a Structure; ``update`` assigns a snapshot's data, ``problem`` solves."""

    def __init__(self, opts: "CoordinatedBeamforming", st: Structure, variables: Variables | None = None):
        t0 = time.perf_counter()
        self.opts, self.structure, self.n_bs = opts, st, len(st.dims)
        self.vars = variables or Variables.sdp(st.dims, st.serving, opts.sensing_streams)
        self.terms = make_terms(opts, st)
        soft_sinr = opts.objective_class.sinr_in_objective
        constraints = list(self.vars.psd) + [c for name, term in self.terms.items()
                                             if not (soft_sinr and name == "sinr") for c in term.constraints(self.vars)]
        objective, extra = self._objective()
        self.problem = cp.Problem(objective, constraints + extra)
        if "crb" in self.terms:  # its matrix Parameters make DPP compilation far dearer than solving (runner)
            canonicalise_per_solve(self.problem)
        self.build_s = time.perf_counter() - t0
        self.solves = 0

    # -- objectives: each objective class builds its own expression on these variables and terms --------
    def _objective(self) -> tuple[Any, list[cp.Constraint]]:
        return self.opts.objective_class.expression(self)

    def update(self, data: SnapshotData) -> None:
        for term in self.terms.values():
            term.update(data)
        self.opts.objective_class.update(self, data)

    def bound_si(self, data: SnapshotData) -> float | None:
        """The relaxation's optimal value in the objective's SI unit."""
        val = self.problem.value
        if val is None or not np.isfinite(val):
            return None
        return self.opts.objective_class.bound_si(self, data, val)

    def restore(self, values: tuple[dict[int, np.ndarray], list[np.ndarray | None]]) -> None:
        """Put back the variables' values of an earlier solve (``values()``), e.g. a bisection's best step."""
        users, sens = values
        for k, s in self.vars.user.items():
            s.save_value(users[k])  # solver values: PSD only to tolerance, so skip cvxpy's exact check
        for s, val in zip(self.vars.sensing, sens):
            if s is not None:
                s.save_value(val)

    def values(self) -> tuple[dict[int, np.ndarray], list[np.ndarray | None]]:
        users = {k: np.asarray(s.value) for k, s in self.vars.user.items()}
        sens = [None if s is None else np.asarray(s.value) for s in self.vars.sensing]
        return users, sens

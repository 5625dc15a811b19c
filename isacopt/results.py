"""Typed, frozen, JSON-serialisable results (SPEC.md section 10).

Every number here is recomputed from the extracted design by the metric
functions. Infinite values (an unobservable CRLB, -inf dB for zero SINR) are
written to JSON as the strings "Infinity" / "-Infinity" and read back as floats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .design import TransmitDesign

# a feasible design counts as certified (optimal) only within this relative gap to its bound (Solution.certified)
DEFAULT_MAX_GAP = 1e-3

# "local_optimum": a certified design from a local method on a non-convex objective (no optimality claim)
# "closed_form": a baseline design evaluated without optimisation (no objective, no bound)
Status = Literal["optimal", "optimal_reduced_accuracy", "local_optimum", "closed_form", "infeasible",
                 "solver_failure", "time_limit"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")


class UserResult(_Result):
    id: str
    serving_bs: list[str] = Field(description="ids of the BSs serving the user (head first); empty if unserved")
    served: bool = Field(True, description="a BS serves the user (it counts in the communication ASE)")
    sinr_db: float
    sinr_target_db: float | None
    rate_bps_hz: float
    throughput_bps: float


class TargetResult(_Result):
    id: str
    sensing_bs: list[str] = Field(description="ids of the BSs sensing the target (fusion head first)")
    probed: bool = Field(True, description="a BS spends transmit resources on the target (it counts in the "
                         "sensing ASE); the metrics of an unprobed target are what its nearest BS sees anyway")
    beampattern_gain_w: float = Field(description="a^H R_b a of the sensing head toward the target [W]")
    sensing_sinr_db: float
    radar_rate_bps_hz: float
    angle_crb_rad2: float = Field(description="angle CRB at the sensing head [rad^2]")
    angle_crb_deg: float = Field(description="root angle CRB at the sensing head [deg]")
    root_crlb_m: float = Field(description="root position CRLB of the sensing cluster [m]; Infinity if singular")


class EavesdropperResult(_Result):
    id: str
    max_sinr_db: float = Field(description="the cap on any user's SINR at it [dB]")
    sinr_db: float = Field(description="the largest SINR of any user's data at it [dB]")
    user_sinr_db: list[float] = Field(description="per user (in the order of users), the SINR of its data here [dB]")
    secrecy_rate_bps_hz: list[float] = Field(description="per user, max(0, its rate - log2(1 + its SINR here))")
    max_beampattern_w: float | None = Field(None, description="the sensing-privacy cap [W], if any")
    beampattern_w: float = Field(0.0, description="the largest transmit beampattern gain of any BS toward it [W]")


class BaseStationResult(_Result):
    id: str
    power_w: float
    comm_power_w: float
    sensing_power_w: float
    power_budget_w: float
    backhaul_load_bps: float
    backhaul_capacity_bps: float | None
    dof: int = Field(description="transmit dimensions left after nulls")
    nulls: int = Field(description="rank spent on interference nulls")
    nulled_users: list[str] = Field([], description="users this BS places nulls toward")
    protected_bs: list[str] = Field([], description="BS receivers this BS places nulls toward")


class NetworkResult(_Result):
    sum_rate_bps_hz: float
    comm_ase_bps_hz_km2: float | None = Field(description="sum of the rates of the served users in the window / "
                                              "window area [bit/s/Hz/km^2] (SPEC.md section 8)")
    sensing_ase_bps_hz_km2: float | None = Field(description="sum of the radar rates of the probed targets in the "
                                                 "window / window area [bit/s/Hz/km^2]")
    energy_efficiency_bit_j: float
    total_power_w: float


class Certificate(_Result):
    """How far the extracted design is from the problem's constraints, and from the bound."""

    max_violation: float = Field(description="largest relative violation of any constraint by the extracted design")
    worst_constraint: str
    rank_one: bool = Field(description="the relaxation's solution was already rank one")
    extraction: str = Field(description="how the rank-one design was obtained")
    relaxation_gap: float | None = Field(description="|objective(design) - bound| / max(|bound|, tiny)")
    null_leakage: float = Field(description="largest leaked power into a nulled user or BS receiver, relative")
    tolerance: float
    holds: bool


class Timing(_Result):
    build_s: float = 0.0
    compile_s: float = 0.0
    solve_s: float = 0.0
    solver_s: float = 0.0
    extract_s: float = 0.0
    total_s: float = 0.0
    recompiled: bool = True


class SearchStats(_Result):
    """How an integer search over cooperation links ended (cluster selection)."""

    method: str
    links: int = Field(description="binary cooperation links the search decided")
    incumbent: float | None = Field(description="objective of the best certified choice found")
    best_bound: float | None = Field(description="proven bound on the optimum over every choice")
    gap: float | None = Field(description="|incumbent - best_bound| / max(|incumbent|, tiny); 0 = proven optimal")
    nodes: int = Field(0, description="branch-and-bound nodes explored (choices examined for the others)")
    convex_solves: int = Field(0, description="distinct convex sub-problems solved (cached by choice)")
    infeasible_choices: int = Field(0, description="choices ruled out by backhaul, load or DoF limits without a solve")
    stopped: str = Field("", description="why the search stopped early (node or time limit), empty if complete")
    chosen: list[str] = Field([], description="the cooperation links chosen, e.g. 'b1 serves u0' (a warm start "
                              "for the next snapshot's search)")


class Solution(_Result):
    """The outcome of a solve: status, objective, bound, per-node metrics, certificate, timings."""

    status: Status
    reason: str = ""
    problem: str = Field(description="repr of the builder that produced this solution")
    objective_name: str
    objective_unit: str
    objective: float | None = None
    bound: float | None = None
    solver: str | None = None
    attempts: list[str] = []
    users: list[UserResult] = []
    targets: list[TargetResult] = []
    base_stations: list[BaseStationResult] = []
    eavesdroppers: list[EavesdropperResult] = []
    network: NetworkResult | None = None
    certificate: Certificate | None = None
    timing: Timing = Timing()
    conflicts: list[str] = Field([], description="constraints named by the infeasibility analysis")
    search: SearchStats | None = Field(None, description="integer search statistics (cluster selection)")
    versions: dict[str, str] = {}
    seed: int | None = None

    _design: TransmitDesign | None = None

    @property
    def ok(self) -> bool:
        """True for a usable design: ``optimal``, ``optimal_reduced_accuracy``, ``local_optimum`` or
        ``closed_form``.
        """
        return self.status in ("optimal", "optimal_reduced_accuracy", "local_optimum", "closed_form")

    @property
    def gap(self) -> float | None:
        """Relative gap between the extracted design's objective and the proven bound,
        ``|objective - bound| / max(|bound|, tiny)`` (for an objective in dB, on the linear quantity:
        ``10^(|objective - bound| / 10) - 1``); None where no bound exists (closed forms, local methods)."""
        return self.certificate.relaxation_gap if self.certificate is not None else None

    def certified(self, max_gap: float = DEFAULT_MAX_GAP) -> bool:
        """True when the design meets every constraint within the certificate's tolerance *and* its objective
        is within ``max_gap`` (relative) of the proven bound: what a study may average as "optimal". A
        ``local_optimum`` makes no optimality claim and a ``closed_form`` has no objective: both count when
        their constraints hold. A feasible design farther from its bound (an inaccurate solve) does not."""
        if self.status == "closed_form":
            return True
        if not self.ok or self.certificate is None or not self.certificate.holds:
            return False
        return self.status == "local_optimum" or self.gap is None or self.gap <= max_gap

    @property
    def design(self) -> TransmitDesign | None:
        """The extracted beamformers and sensing covariances (not part of the JSON)."""
        return self._design

    def with_design(self, design: TransmitDesign | None) -> "Solution":
        """Attach the extracted design (not serialised) and return the solution itself."""
        self._design = design
        return self

    def to_json(self, path: str | Path | None = None) -> str:
        """The solution as indented JSON (every field, infinities as strings); also written to ``path``
        if given. The design arrays are not included: see :meth:`save_design`.
        """
        text = self.model_dump_json(indent=2)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, text: str) -> "Solution":
        """Read a solution back from :meth:`to_json`'s text (validated)."""
        return cls.model_validate_json(text)

    def save_design(self, path: str | Path) -> Path:
        """Write beams_b (Nt, K) and sensing_b (Nt, Nt) of every BS to an .npz."""
        if self._design is None:
            raise ValueError(f"no design to save: status {self.status}")
        arrays: dict[str, Any] = {}
        for b, (w, r) in enumerate(zip(self._design.beams, self._design.sensing)):
            arrays[f"beams_{b}"] = w
            arrays[f"sensing_{b}"] = r
        arrays["bs_ids"] = np.array([bs.id for bs in self.base_stations])
        np.savez(path, **arrays)
        return Path(path)

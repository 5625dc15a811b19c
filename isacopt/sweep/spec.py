"""Sweep files: a layout, designs, a parameter grid and a snapshot count (YAML, validated).

.. code-block:: yaml

    name: my-sweep
    system: {noise_dbm: -80}
    channels: {model: rician, k_factor: 5}      # the channel seed is set per snapshot
    layout: {kind: poisson, bs_per_km2: 1, users_per_km2: 20, targets_per_km2: 20}
    designs:
      - {name: nulling, problem: {kind: coordinated_beamforming, objective: weighted}}
      - {name: zf, problem: {kind: baseline, precoder: zf}}
    grid:                                         # the Cartesian product of these lists
      layout.tx_antennas: [4, 8]
      problem.weight: [0.0, 0.5, 1.0]           # applies to every design that has the field
    snapshots: 100
    seed: 2024
    quick: {snapshots: 4, grid: {layout.tx_antennas: [4]}}

Grid keys are dotted paths into ``system``, ``channels``, ``layout`` or ``problem``; a
``problem.*`` key applies to the designs whose problem kind has that field (the others ignore
it and are not duplicated per value). Snapshot i of every point and design uses the same seed
(common random numbers): designs and points are compared on the same networks.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .._model import FrozenModel
from ..errors import ValidationError
from ..network.channel_spec import ChannelSpec, LosChannels
from ..network.layouts import LayoutSpec
from ..network.system import SystemParams
from ..problems import ProblemSpec
from ..results import DEFAULT_MAX_GAP
from ..yaml_files import read_yaml
from .metrics import METRICS

SECTIONS = ("system", "channels", "layout", "problem")
MAX_TASKS = 5_000_000


class DesignSpec(FrozenModel):
    name: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,60}$", description="short label used in the store and plots")
    problem: ProblemSpec
    ignore: list[str] = Field([], description="grid keys this design does not vary with (solved once for them)")
    snapshots: int | None = Field(None, ge=1, le=1_000_000, description="this design's snapshot count when it is "
                                  "not the sweep's (a cheap, noisy baseline can run longer on the same networks)")
    control: str | None = Field(None, description="a cheaper design of this sweep whose rows on the same snapshots "
                                "serve as control variate for this design's means and intervals (run it with more "
                                "snapshots); it may vary only with grid keys this design varies with")
    control_nodes: bool = Field(True, description="with a control: also regress on the control's served users "
                                "and probed targets in the window and those counts times its worst served user's "
                                "and probed target's rates, and the probed count times the weakest probed target's "
                                "rate alone (multiple control variates; what a max-min design's ASEs follow); false: "
                                "the control's same metric only")


class PointSpec(FrozenModel):
    """What one grid point of one design poses: the sections of a problem file a sweep varies."""

    system: SystemParams = SystemParams()
    channels: ChannelSpec = LosChannels()
    layout: LayoutSpec
    problem: ProblemSpec


class MetricSettings(FrozenModel):
    crlb_threshold_m: float = Field(10.0, gt=0, le=1e6, description="CRLB coverage: root CRLB <= this [m]")
    sinr_threshold_db: float = Field(0.0, ge=-50, le=80, description="SINR coverage: SINR >= this [dB]")


class PlotSpec(FrozenModel):
    """One figure of the report.

    ``tradeoff``: y against x, one curve per value of ``series``; each curve is the upper envelope
    of the averaged points sharing that value, with the time-sharing line between its corners
    (the point with the best x and the one with the best y). ``versus``: a metric against a
    swept parameter ``x``, one curve per value of ``series`` and per design.
    """

    kind: Literal["tradeoff", "versus"]
    x: str
    y: str
    series: str | None = None
    time_sharing: bool = True
    fit: Literal["ln2"] | None = Field(None, description="versus: overlay the least-squares c / ln^2(x) fit")
    designs: list[str] | None = Field(None, description="only these designs (or selections); default: all")
    baseline: str | None = Field(None, description="tradeoff: this design is drawn as its own envelope (all its "
                                 "points, no series) and left out of the series' envelopes")
    note: str = Field("", max_length=2000, description="text printed in the panel (the options the figure assumes)")
    where: dict[str, Any] = Field({}, description="only the points with these grid values")
    min_certified: float = Field(1.0, gt=0, le=1, description="draw a point when at least this share of its "
                                 "snapshots entered its average (certified); below 1 such a point is a mean over "
                                 "the networks where its design exists (a conditional mean: ringed in the figure, "
                                 "counted in its footer); 1: only points with every snapshot certified")
    title: str = ""


class Selection(FrozenModel):
    """Per-snapshot choice among grid values: for each snapshot, the ``design`` row with the best
    ``by`` column over the values of the ``over`` keys (e.g. cluster sizes), among certified rows.

    Every choice was solved on the same network (common random numbers), so this is an exhaustive
    search over those keys per snapshot; the report lists it as a design named ``name``.
    """

    name: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,60}$")
    design: str
    over: list[str] = Field(min_length=1)
    by: str = "objective"
    minimise: bool = True


class PrecisionSpec(FrozenModel):
    """Run each point until its means are as precise as asked instead of a fixed count (the snapshot counts
    become caps): every ``first`` snapshots, then rounds, each point of each listed design extended to the
    count its intervals predict, until every listed metric's 95 % half-width is within ``relative`` of its
    mean. A fixed-width sequential interval (Chow and Robbins 1965): its coverage tends to the nominal 95 %
    as the width shrinks; the points that vary least stop first (docs/howto/sweeps.md)."""

    relative: float = Field(0.05, gt=0, lt=1, description="stop a point once every listed metric's 95 % "
                            "half-width is at most this share of its mean")
    metrics: list[str] = Field(min_length=1, description="the metrics held to it (those the figures draw)")
    designs: list[str] | None = Field(None, description="the designs held to it; default: every design that is "
                                      "not another's control (a control runs its whole count: its mean is the "
                                      "control variate's)")
    first: int = Field(100, ge=20, le=1_000_000, description="snapshots of every point before the first check")
    margin: float = Field(1.1, ge=1.0, le=2.0, description="a round extends a point to this times the count its "
                          "interval predicts (fewer rounds; each round ends when its slowest row does)")


class QuickSpec(FrozenModel):
    snapshots: int = Field(2, ge=1, le=10_000)
    grid: dict[str, list[Any]] = {}


class SweepFile(FrozenModel):
    """The schema of a sweep file; see the module docstring."""

    name: str = Field("sweep", max_length=200)
    description: str = Field("", max_length=10_000)
    system: SystemParams = SystemParams()
    channels: ChannelSpec = LosChannels()
    layout: LayoutSpec
    designs: tuple[DesignSpec, ...] = Field(min_length=1, max_length=100)
    grid: dict[str, list[Any]] = {}
    snapshots: int = Field(10, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    time_limit_s: float | None = Field(None, gt=0, le=86_400, description="per snapshot solve limit")
    metrics: MetricSettings = MetricSettings()
    max_gap: float = Field(DEFAULT_MAX_GAP, gt=0, le=10, description="a row counts as certified (and enters the "
                           "averages) when its design is feasible and within this relative gap of its bound; "
                           "farther ones are counted apart as 'gap_exceeded' (a report setting: no rerun needed)")
    select: tuple[Selection, ...] = ()
    report: tuple[PlotSpec, ...] = ()
    precision: PrecisionSpec | None = None
    quick: QuickSpec | None = None
    full_run: str = Field("", max_length=2000, description="measured run time of the full size (documentation)")

    @field_validator("grid")
    @classmethod
    def _grid_keys(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for key, values in grid.items():
            head = key.split(".", 1)[0]
            if head not in SECTIONS or "." not in key:
                raise ValueError(f"grid key {key!r} must be 'section.field' with section one of {SECTIONS}")
            if not isinstance(values, list) or not values:
                raise ValueError(f"grid[{key!r}] must be a non-empty list of values")
        return grid

    @model_validator(mode="after")
    def _consistent(self) -> "SweepFile":
        names = [d.name for d in self.designs]
        if len(set(names)) != len(names):
            raise ValueError(f"designs: names must be unique, got {names}")
        for design in self.designs:
            bad = [k for k in design.ignore if k not in self.grid]
            if bad:
                raise ValueError(f"designs[{design.name!r}].ignore: {bad} are not grid keys")
        for design in self.designs:
            self._check_control(design, names)
        for key in self.grid:
            if key.startswith("problem.") and not any(_has_field(d, key) for d in self.designs):
                raise ValueError(f"grid key {key!r}: no design's problem has the field {key.split('.', 1)[1]!r}")
        for sel in self.select:
            if sel.design not in names:
                raise ValueError(f"select {sel.name!r}: unknown design {sel.design!r} (known: {names})")
            if sel.name in names:
                raise ValueError(f"select {sel.name!r}: the name is already a design's")
            bad = [k for k in sel.over if k not in self.grid]
            if bad:
                raise ValueError(f"select {sel.name!r}: {bad} are not grid keys")
            design = next(d for d in self.designs if d.name == sel.design)
            inert = [k for k in sel.over if k in design.ignore or (k.startswith("problem.") and not _has_field(design, k))]
            if inert:
                raise ValueError(f"select {sel.name!r}: design {sel.design!r} does not vary with {inert}")
        known = names + [sel.name for sel in self.select]
        if self.precision is not None:
            self._check_precision(names)
        for plot in self.report:
            unknown = [d for d in (plot.designs or []) + ([plot.baseline] if plot.baseline else []) if d not in known]
            if unknown:
                raise ValueError(f"report: designs {unknown} are neither designs nor selections (known: {known})")
            for axis in (plot.series, plot.x if plot.kind == "versus" else None, *plot.where):
                if axis is not None and axis not in self.grid and axis != "design":
                    raise ValueError(f"report: {axis!r} is not a grid key (known: {sorted(self.grid)} or 'design')")
        return self

    def _check_precision(self, names: list[str]) -> None:
        bad = [m for m in self.precision.metrics if m not in METRICS]
        if bad:
            raise ValueError(f"precision.metrics: {bad} are not metrics (known: {sorted(METRICS)})")
        bad = [d for d in self.precision.designs or [] if d not in names]
        if bad:
            raise ValueError(f"precision.designs: {bad} are not designs (known: {names})")

    def held_to_precision(self) -> list[str]:
        """The designs a ``precision`` block extends point by point (none without one)."""
        if self.precision is None:
            return []
        if self.precision.designs is not None:
            return list(self.precision.designs)
        controls = {d.control for d in self.designs}
        return [d.name for d in self.designs if d.name not in controls]

    def _check_control(self, design: DesignSpec, names: list[str]) -> None:
        if design.control is None:
            return
        where = f"designs[{design.name!r}].control"
        if design.control == design.name or design.control not in names:
            raise ValueError(f"{where}: {design.control!r} must name another design (known: {names})")
        control = next(d for d in self.designs if d.name == design.control)
        if control.control is not None:
            raise ValueError(f"{where}: design {control.name!r} has a control itself; a control must be plain")
        extra = [k for k in self.grid if self._varies(control, k) and not self._varies(design, k)]
        if extra:
            raise ValueError(f"{where}: design {control.name!r} varies with {extra}, which {design.name!r} does not: "
                             "its rows would not match one point; add them to the control's 'ignore'")

    @staticmethod
    def _varies(design: DesignSpec, key: str) -> bool:
        return key not in design.ignore and (not key.startswith("problem.") or _has_field(design, key))

    def design(self, name: str) -> DesignSpec | None:
        """The design called ``name`` (None for a selection's name)."""
        return next((d for d in self.designs if d.name == name), None)

    # -- expansion ----------------------------------------------------------------------
    def sized(self, quick: bool) -> "SweepFile":
        """The quick version (fewer snapshots, grid overrides) or this one."""
        if not quick:
            return self
        if self.quick is None:
            raise ValidationError([("quick", f"sweep {self.name!r} defines no quick size; add 'quick: {{snapshots: N}}'")])
        data = self.model_dump(mode="json")
        data["snapshots"] = self.quick.snapshots
        for d in data["designs"]:
            d["snapshots"] = None
        data["grid"] = {**self.grid, **self.quick.grid}
        data["quick"] = None
        return SweepFile.model_validate(data)

    def snapshots_of(self, design: str) -> int:
        """The snapshot count of design (or selection) ``design``."""
        d = next((d for d in self.designs if d.name == design), None)
        if d is None:  # a selection: its design's
            sel = next((s for s in self.select if s.name == design), None)
            d = next((x for x in self.designs if sel is not None and x.name == sel.design), None)
        return d.snapshots if d is not None and d.snapshots is not None else self.snapshots

    def points(self) -> list[dict[str, Any]]:
        """Every combination of the grid values, in file order (the last key varies fastest)."""
        keys = list(self.grid)
        return [dict(zip(keys, combo)) for combo in itertools.product(*(self.grid[k] for k in keys))]

    def relevant(self, design: DesignSpec, point: dict[str, Any]) -> dict[str, Any]:
        """The part of ``point`` that changes ``design`` (problem keys it lacks are dropped)."""
        return {k: v for k, v in point.items() if self._varies(design, k)}

    def digest(self) -> str:
        """Hash of everything that defines the stored rows (not the report, the docs text, or the snapshot
        counts: snapshot i's seed depends only on (seed, i), so a store extends to more snapshots, and a
        report counts the first ``snapshots_of(design)`` of each point)."""
        return self._digest(legacy=False)

    def legacy_digest(self) -> str:
        """The digest of isacopt versions that hashed the snapshot counts too (stores written by them open)."""
        return self._digest(legacy=True)

    def _digest(self, legacy: bool) -> str:
        # defaults left out: a later isacopt that adds an option (with a default) still opens old stores
        data = self.model_dump(mode="json", exclude={"description", "report", "quick", "full_run", "select", "max_gap",
                                                     "precision"}, exclude_defaults=True)
        if not legacy:
            data.pop("snapshots", None)
            for d in data.get("designs", []):
                d.pop("snapshots", None)
        for d in data.get("designs", []):
            d.pop("control", None)  # how the report estimates, not what the rows are
            d.pop("control_nodes", None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _has_field(design: DesignSpec, key: str) -> bool:
    """Whether ``problem.a.b`` names a field of the design's problem (nested models followed)."""
    model: Any = type(design.problem)
    for part in key.split(".")[1:]:
        fields = getattr(model, "model_fields", None)
        part = getattr(model, "FIELD_ALIASES", {}).get(part, part)
        if fields is None or part not in fields:
            return False
        model = fields[part].annotation
    return True


def apply(base: dict[str, Any], path: str, value: Any) -> None:
    """Set ``base[a][b]... = value`` for the dotted ``path`` (creating sub-mappings)."""
    parts = path.split(".")
    node = base
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def load_sweep(path: str | Path, *, quick: bool = False) -> SweepFile:
    """Read and validate a sweep file; every grid point is validated now, not mid-run."""
    p = Path(path)
    try:
        spec = SweepFile.model_validate(read_yaml(p)).sized(quick)
    except ValidationError as err:
        raise ValidationError(err.problems, source=str(p)) from None
    return validate_sweep(spec, source=str(p))


def point_models(spec: SweepFile, design: DesignSpec, point: dict[str, Any], seed: int = 0):
    """(layout, system, channels, problem) of ``design`` at ``point`` with the snapshot ``seed``."""
    data = spec.model_dump(mode="json", include={"system", "channels", "layout"})
    data["problem"] = design.problem.model_dump(mode="json")
    aliases = getattr(type(design.problem), "FIELD_ALIASES", {})
    for key, value in spec.relevant(design, point).items():
        if key.startswith("problem.") and key.count(".") == 1:
            key = "problem." + aliases.get(key[8:], key[8:])  # an older field name sets the current field
        apply(data, key, value)
    data["layout"]["seed"] = seed
    if "seed" in data["channels"]:
        data["channels"]["seed"] = seed
    parsed = PointSpec.model_validate(data)
    return parsed.layout, parsed.system, parsed.channels, parsed.problem


def validate_sweep(spec: SweepFile, *, source: str | None = None) -> SweepFile:
    """Re-validate ``spec`` (it may have been edited with model_copy) and pose every grid point's
    models now, so that a bad value fails before any worker starts, not mid-run."""
    try:
        spec = SweepFile.model_validate(spec.model_dump(mode="json"))
    except ValidationError as err:
        raise ValidationError(err.problems, source=source) from None
    count = len(spec.points()) * sum(spec.snapshots_of(d.name) for d in spec.designs)
    if count > MAX_TASKS:
        raise ValidationError([("snapshots", f"{count} tasks exceed the limit of {MAX_TASKS}; split the sweep")],
                              source=source)
    for point in spec.points():
        for design in spec.designs:
            try:
                point_models(spec, design, point)
            except ValidationError as err:
                where = ", ".join(f"{k}={v!r}" for k, v in point.items())
                raise ValidationError([(f"grid point ({where}), design {design.name!r}: {f}", m)
                                       for f, m in err.problems], source=source) from None
    return spec

"""Allocation files: the network-level S&C resource allocation of SPEC.md section 10, as YAML.

.. code-block:: yaml

    name: seed-fig3-allocation
    system: {noise_dbm: -80, pathloss_exponent: 2.0}
    channels: {model: rayleigh, crosslink: rayleigh}  # the channel seed is set per snapshot
    layout: {kind: poisson, window_m: 4000, guard_m: 500, bs_per_km2: 1, users_per_km2: 20, targets_per_km2: 20}
    design: {kind: baseline, precoder: zf, sensing_streams: dedicated, sensing_null_rank: beam}
    tx_antennas: [4, 8, 16]
    search:                                    # the tuples: the Cartesian product of these problem keys
      users_per_bs: [1, 2, 4]
      targets_per_bs: [0, 1, 2]
      comm_cluster: [1, 2]
      sensing_cluster: [1, 2]
    weights: [0, 0.25, 0.5, 0.75, 1]           # w of w ASE_c + (1 - w) ASE_s
    service:                                   # service-quality levels (gamma_c, gamma_s)
      - {name: any}
      - {name: strict, rate_bps_hz: 2, radar_rate_bps_hz: 0.5}
    snapshots: 200
    method: confirm       # analysis, montecarlo, both, or confirm (analysis, then Monte Carlo of its picks)

Every tuple is evaluated on the same snapshots (common random numbers); a tuple whose streams and nulls
exceed Nt is refused and listed, never dropped. A Poisson layout populates its guard band with users and
targets (``populate_guard``, on unless set): the guard BSs then serve their own nodes, loaded like any
BS, rather than reaching into the window for the nearest ones.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .._model import FrozenModel
from ..errors import ValidationError
from ..network.channel_spec import ChannelSpec, RayleighChannels
from ..network.layouts import LayoutSpec
from ..network.system import SystemParams
from ..problems import ProblemSpec
from ..yaml_files import read_yaml

# confirm: the analysis over every tuple, the Monte Carlo of the tuples it puts on an envelope or chooses
Method = Literal["analysis", "montecarlo", "both", "confirm"]


class ServiceLevel(FrozenModel):
    """Service-quality constraints on the averages: mean rate per served user >= ``rate_bps_hz`` (gamma_c),
    mean radar information rate per probed target >= ``radar_rate_bps_hz`` (gamma_s)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,40}$")
    rate_bps_hz: float = Field(0.0, ge=0, le=100)
    radar_rate_bps_hz: float = Field(0.0, ge=0, le=100)


class QuickAllocation(FrozenModel):
    snapshots: int = Field(2, ge=1, le=10_000)
    tx_antennas: list[int] | None = None
    search: dict[str, list[Any]] = {}
    weights: list[float] | None = None


class AllocationFile(FrozenModel):
    """The schema of an allocation file; see the module docstring."""

    name: str = Field("allocation", max_length=200)
    description: str = Field("", max_length=10_000)
    system: SystemParams = SystemParams()
    channels: ChannelSpec = RayleighChannels()
    layout: LayoutSpec
    design: ProblemSpec = Field(description="the per-snapshot design every tuple uses (its other options)")
    tx_antennas: list[int] = Field(min_length=1, description="Nt values; each gets its own region")
    search: dict[str, list[Any]] = Field(min_length=1, description="problem keys and the values to search")
    weights: list[float] = Field([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], min_length=1)
    service: list[ServiceLevel] = [ServiceLevel(name="any")]
    snapshots: int = Field(100, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    method: Method = "montecarlo"
    quick: QuickAllocation | None = None
    full_run: str = Field("", max_length=2000, description="measured run time of the full size (documentation)")

    @model_validator(mode="before")
    @classmethod
    def _loaded_guard(cls, data: Any) -> Any:
        # a guard band without users lets its BSs reach into the window for the nearest ones (and leaves
        # them unloaded): the ASE comes out ~20 % high; an allocation populates the guard unless told not to
        if isinstance(data, dict) and isinstance(data.get("layout"), dict) and data["layout"].get("kind") == "poisson":
            data = {**data, "layout": {"populate_guard": True, **data["layout"]}}
        return data

    @field_validator("tx_antennas")
    @classmethod
    def _antennas(cls, values: list[int]) -> list[int]:
        if any(not 1 <= v <= 1024 for v in values):
            raise ValueError(f"every Nt must be in [1, 1024], got {values}")
        return values

    @field_validator("weights")
    @classmethod
    def _weights(cls, values: list[float]) -> list[float]:
        if any(not 0.0 <= w <= 1.0 for w in values):
            raise ValueError(f"every weight must be in [0, 1], got {values}")
        return values

    @model_validator(mode="after")
    def _keys(self) -> "AllocationFile":
        fields = type(self.design).model_fields
        aliases = getattr(type(self.design), "FIELD_ALIASES", {})
        for key, values in self.search.items():
            if aliases.get(key, key) not in fields:
                raise ValueError(f"search key {key!r} is not an option of the {self.design.kind!r} design "
                                 f"(options: {sorted(fields)})")
            if not isinstance(values, list) or not values:
                raise ValueError(f"search[{key!r}] must be a non-empty list of values")
        if self.method != "montecarlo" and self.design.kind != "baseline":
            raise ValueError(f"method {self.method!r} needs design kind 'baseline' (the stochastic-geometry "
                             "model is that of the closed-form ZF design); use method 'montecarlo'")
        names = [s.name for s in self.service]
        if len(set(names)) != len(names):
            raise ValueError(f"service: names must be unique, got {names}")
        return self

    def sized(self, quick: bool) -> "AllocationFile":
        """The quick version (fewer snapshots, overrides) or this one."""
        if not quick:
            return self
        if self.quick is None:
            raise ValidationError([("quick", f"allocation {self.name!r} defines no quick size; add "
                                    "'quick: {snapshots: N}'")])
        data = self.model_dump(mode="json")
        data["snapshots"] = self.quick.snapshots
        data["search"] = {**self.search, **self.quick.search}
        data["tx_antennas"] = self.quick.tx_antennas or self.tx_antennas
        data["weights"] = self.quick.weights or self.weights
        data["quick"] = None
        return AllocationFile.model_validate(data)

    def tuples(self) -> list[dict[str, Any]]:
        """Every combination of the search values (the last key varies fastest)."""
        keys = list(self.search)
        return [dict(zip(keys, combo)) for combo in itertools.product(*(self.search[k] for k in keys))]

    def problem_at(self, values: dict[str, Any]):
        """The design with a tuple's values set (validated; errors name the option)."""
        data = {**self.design.model_dump(mode="json"), **values}
        return type(self.design)(**data)


def load_allocation(path: str | Path, *, quick: bool = False) -> AllocationFile:
    """Read and validate an allocation file (every tuple's design is validated now, not mid-run)."""
    p = Path(path)
    try:
        spec = AllocationFile.model_validate(read_yaml(p)).sized(quick)
        for values in spec.tuples():
            spec.problem_at(values)
    except ValidationError as err:
        raise ValidationError(err.problems, source=str(p)) from None
    return spec

"""Objectives as objects: one class per file, and the registry of each problem family's objectives.

``objective_of(family, name)`` looks a problem file's objective name up once; adding an objective is a
new file plus a line in the family's registry here.
"""

from __future__ import annotations

from .base import Objective
from .max_energy_efficiency import MaxEnergyEfficiency
from .max_min_beampattern import MaxMinBeampattern
from .max_min_rate import MaxMinRate
from .max_min_sensing_sinr import MaxMinSensingSinr
from .max_min_sinr import MaxMinSinr
from .max_sum_rate import MaxSumRate
from .min_angle_crb import MinAngleCrb
from .min_max_crlb import MinMaxCrlb
from .min_power import MinPower
from .min_sum_crlb import MinSumCrlb
from .weighted_crlb import WeightedCrlb
from .weighted_tradeoff import WeightedTradeoff

REGISTRY: dict[str, dict[str, type[Objective]]] = {
    "coordinated": {c.name: c for c in (MinPower, MaxMinBeampattern, MaxMinSinr, MaxMinSensingSinr, MinAngleCrb,
                                                WeightedTradeoff)},
    "cooperative": {c.name: c for c in (MinSumCrlb, MinMaxCrlb, MinPower, WeightedCrlb, MaxMinRate, MaxSumRate,
                                        MaxEnergyEfficiency)},
}


def objective_of(family: str, name: str) -> type[Objective]:
    """The objective class of ``name`` in ``family`` ('coordinated' or 'cooperative')."""
    return REGISTRY[family][name]


def needs_problems(objective: type[Objective], network) -> list[tuple[str, str]]:
    """(field, message) for what ``network`` lacks that ``objective`` needs (targets, users); empty if none."""
    if objective.needs == "targets" and network.n_targets == 0:
        return [("objective", f"{objective.name!r} needs at least one target in the network")]
    if objective.needs == "users" and network.n_users == 0:
        return [("objective", f"{objective.name!r} needs at least one user")]
    return []


def searchable(family: str) -> str:
    """The objectives of ``family`` an integer search can use, as a reader's list ('a, b or c')."""
    names = [n for n, cls in REGISTRY[family].items() if cls.search_refusal is None]
    return ", ".join(names[:-1]) + " or " + names[-1]


def units(family: str) -> dict[str, str]:
    """name -> unit of a family's objectives."""
    return {name: cls.unit for name, cls in REGISTRY[family].items()}


__all__ = ["REGISTRY", "MaxEnergyEfficiency", "MaxMinBeampattern", "MaxMinRate", "MaxMinSensingSinr", "MaxMinSinr",
           "MaxSumRate", "MinAngleCrb", "MinMaxCrlb", "MinPower", "MinSumCrlb", "Objective", "WeightedCrlb", "WeightedTradeoff",
           "needs_problems", "objective_of", "searchable", "units"]

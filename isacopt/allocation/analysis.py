"""The allocation's table from the stochastic-geometry model (:mod:`.geometry`): same columns as the
Monte Carlo table, no intervals (deterministic), ``method = analysis``."""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from typing import Any

import pandas as pd

from ..errors import ValidationError
from .dof import describe, refusal
from .geometry import mean_load, mean_radar_rate, mean_rate, model_of


def check_modelled(spec) -> None:
    """ValidationError unless the file's design and channels are what the analysis models."""
    d = spec.design
    problems = []
    if d.kind != "baseline" or d.precoder != "zf":
        problems.append(("design", "the analysis models the closed-form ZF design: kind baseline, precoder zf"))
    if spec.channels.model != "rayleigh" or getattr(spec.channels, "crosslink", "") != "rayleigh":
        problems.append(("channels", "the analysis models Rayleigh user channels and cross-links: "
                         "{model: rayleigh, crosslink: rayleigh}"))
    ranks = set(spec.search.get("sensing_null_rank", [getattr(d, "sensing_null_rank", "full")]))
    if "los" in ranks:
        problems.append(("design.sensing_null_rank", "'los' nulls only the strongest direction of a scattering "
                         "cross-link, a partial protection the analysis does not model; use 'beam' or 'full'"))
    if getattr(spec.layout, "kind", "") != "poisson":
        problems.append(("layout", "the analysis models Poisson layouts (kind: poisson)"))
    if problems:
        raise ValidationError(problems)


def analysis_table(spec, workers: int | None = None) -> pd.DataFrame:
    """One row per (Nt, tuple) from the analytical model (``workers`` processes; 1 runs here)."""
    check_modelled(spec)
    jobs = [(nt, i) for nt in spec.tx_antennas for i in range(len(spec.tuples()))]
    text = spec.model_dump_json()
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return pd.DataFrame([analysis_row(text, nt, i) for nt, i in jobs])
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(analysis_row, [text] * len(jobs), [j[0] for j in jobs], [j[1] for j in jobs],
                             chunksize=max(1, len(jobs) // (8 * workers))))
    return pd.DataFrame(rows)


def analysis_row(text: str, nt: int, i: int) -> dict[str, Any]:
    """The analytical row of tuple ``i`` at Nt for the allocation file ``text`` (JSON)."""
    spec = _spec(text)
    values = _tuples(text)[i]
    problem = spec.problem_at(values)
    entry: dict[str, Any] = {"tx_antennas": nt, "tuple": i, "label": describe(values), **values,
                             "method": "analysis", "snapshots": 0}
    why = refusal(problem, nt, spec.layout.rx_antennas)
    if why:
        return {**entry, "status": "dof_refused", "reason": why}
    t0 = time.perf_counter()
    model = model_of(spec, problem, nt)
    served, _ = mean_load(model.k, model.user_density, model.bs_density)
    probed, _ = mean_load(model.m, model.target_density, model.bs_density)
    rate = mean_rate(model)
    radar = mean_radar_rate(model)
    lam = model.bs_density * 1e6  # per km^2
    entry.update(status="ok", reason="", mean_rate=rate, mean_radar_rate=radar,
                 comm_ase=lam * served * (0.0 if math.isnan(rate) else rate),
                 sensing_ase=lam * probed * (0.0 if math.isnan(radar) else radar),
                 served_fraction=lam * served / spec.layout.users_per_km2 if spec.layout.users_per_km2 else 0,
                 probed_fraction=lam * probed / spec.layout.targets_per_km2 if spec.layout.targets_per_km2
                 else 0, analysis_s=time.perf_counter() - t0)
    for c in ("comm_ase", "sensing_ase", "mean_rate", "mean_radar_rate", "served_fraction", "probed_fraction"):
        entry[f"{c}_ci95"] = 0.0
    return entry


@lru_cache(maxsize=4)
def _spec(text: str):
    from .spec import AllocationFile

    return AllocationFile.model_validate_json(text)


@lru_cache(maxsize=4)
def _tuples(text: str) -> list[dict[str, Any]]:
    return _spec(text).tuples()  # once per file, not once per row (a product of every search list)

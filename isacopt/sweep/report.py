"""Per-point averages with 95 % confidence intervals, time sharing, and the CSV of a sweep.

Only snapshots whose design was produced and certified enter an average: an ``ok`` status and, for an
optimality claim, a gap to the bound within the sweep's ``max_gap`` (default 1e-3). The others are
counted per status in ``excluded`` (``gap_exceeded`` for a feasible design farther from its bound), so
that a reader sees what an average leaves out.
Per-snapshot metrics (ASE, energy efficiency, power, backhaul) are averaged over snapshots with a
Student-t interval. Per-node metrics (mean rate per user, mean root CRLB per target, coverage
probabilities) are pooled ratios sum(y) / sum(x) over all snapshots, with the delta-method
(cluster-robust) interval: snapshots are the independent units, nodes within one are not.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import stats

from ..results import DEFAULT_MAX_GAP
from ..solve.certify import relative_gap
from .control_variate import MIN_PAIRED, controlled_metric
from .metrics import METRICS, RATIOS
from .store import ResultStore

OK = ("optimal", "optimal_reduced_accuracy", "local_optimum", "closed_form")
GAP_EXCEEDED = "gap_exceeded"  # a feasible design farther from its bound than the sweep's max_gap


def row_gap(row: dict) -> float | None:
    """The row's relative gap from its stored objective and bound, by the certificate's formula
    (``|objective - bound| / |bound|``; on the linear quantity when the row's ``db`` flag says its
    objective is in dB); the stored gap where they are missing (older rows)."""
    obj, bound = row.get("objective"), row.get("bound")
    if obj is None or bound is None or not (math.isfinite(obj) and math.isfinite(bound)):
        return None if row.get("gap") is None else float(row["gap"])
    return relative_gap(obj, bound, bool(row.get("db")))


def standing(row: dict, max_gap: float) -> str:
    """``"ok"`` for a row that enters the averages, else the status it is counted under in ``excluded``:
    its own, or ``gap_exceeded`` for a feasible design (ok status) farther than ``max_gap`` from its bound
    (local optima and closed forms make no optimality claim and are not held to a gap)."""
    if row["status"] not in OK:
        return row["status"]
    gap = row_gap(row)
    if row["status"] in ("optimal", "optimal_reduced_accuracy") and gap is not None and gap > max_gap:
        return GAP_EXCEEDED
    return "ok"
LOWER_IS_BETTER = {"mean_root_crlb", "mean_crlb", "total_power", "backhaul_load", "backhaul_utilisation"}
SENSING = {"sensing_ase", "mean_root_crlb", "mean_crlb", "crlb_coverage"}


def format_value(v) -> str:
    """A grid value as a person writes it (1e+09, 2, fusion); '-' where a design lacks the key."""
    if isinstance(v, float):
        if v != v:
            return "-"
        return str(int(v)) if v.is_integer() and abs(v) < 1e6 else f"{v:.6g}"
    return str(v)


def mean_ci(values: np.ndarray) -> tuple[float, float]:
    """Mean and the half-width of its 95 % Student-t interval (nan with fewer than two values)."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return math.nan, math.nan
    if v.size == 1:
        return float(v[0]), math.nan
    return float(v.mean()), float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))


def ratio_ci(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """sum(num) / sum(den) and its 95 % half-width by the delta method over snapshots."""
    y, x = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    if x.sum() <= 0:
        return math.nan, math.nan
    r = float(y.sum() / x.sum())
    n = x.size
    if n < 2:
        return r, math.nan
    resid = y - r * x
    se = math.sqrt(np.sum(resid**2) / (n - 1) / n) / x.mean()
    return r, float(stats.t.ppf(0.975, n - 1) * se)


def _objective_unit(problem) -> str:
    try:
        return problem.objective_class.unit
    except AttributeError:  # a problem kind without objective classes (closed forms, selections)
        return ""


def designs_in_db(spec) -> dict[str, bool]:
    """design name -> whether its objective is in dB (its rows' gaps are then taken on the linear quantity)."""
    return {d.name: _objective_unit(d.problem) == "dB" for d in spec.designs}


def summarise(store_or_dir: ResultStore | str | Path):
    """One row per (design, grid point): counts, exclusions and every metric with ``_ci95``. A DataFrame."""
    import pandas as pd

    return pd.DataFrame([entry for _, _, entry in point_entries(store_or_dir)])


def point_entries(store_or_dir: ResultStore | str | Path) -> list[tuple[str, str, dict]]:
    """(design, canonical point, summary entry) per design and grid point, in report order: what
    :func:`summarise` tabulates and what a ``precision`` round reads. A point's count is its design's, or
    the count a ``precision`` round last planned for it."""
    store = store_or_dir if isinstance(store_or_dir, ResultStore) else ResultStore(store_or_dir)
    spec = store.spec()
    plan = store.plan() if spec.precision is not None else {}

    def planned(design: str, point: str) -> int:
        return plan.get(f"{design}|{point}", spec.snapshots_of(design))
    # the first snapshots_of(design) snapshots of each point: a store run with more keeps its extra rows
    rows = [r for r in store.rows() if r["snapshot"] < planned(r["design"], r["point"])]
    in_db = designs_in_db(spec)
    for r in rows:  # a gap in dB is taken on the linear quantity, as the certificate takes it
        r["db"] = in_db.get(r["design"], False)
    rows += [r for sel in spec.select
             for r in selected_rows(rows, sel, math.prod(len(spec.grid[k]) for k in sel.over), spec.max_gap)]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["design"], row["point"]), []).append(row)
    order = {name: i for i, name in enumerate([d.name for d in spec.designs] + [s.name for s in spec.select])}
    out = []
    for (design, point), members in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
        ok = [r for r in members if standing(r, spec.max_gap) == "ok"]
        excluded: dict[str, int] = {}
        for r in members:
            if (why := standing(r, spec.max_gap)) != "ok":
                excluded[why] = excluded.get(why, 0) + 1
        count = planned(design, point)
        entry = {"design": design, **json.loads(point), "snapshots": len(members), "ok": len(ok),
                 "complete": len(ok) == count, "certified_share": len(ok) / count,
                 "excluded": json.dumps(excluded, sort_keys=True)}
        picks = Counter(r["choice"] for r in ok if r.get("choice"))
        if picks:  # a selection: how often each choice won
            entry["choices"] = json.dumps(dict(sorted(picks.items())))
        for name in METRICS:
            if name in RATIOS:
                num, den = RATIOS[name]
                m, h = ratio_ci(np.array([r[num] for r in ok]), np.array([r[den] for r in ok])) if ok else (math.nan,) * 2
            else:
                m, h = mean_ci(np.array([r[name] for r in ok]))
            entry[name], entry[f"{name}_ci95"] = m, h
        design_spec = spec.design(design)
        if design_spec is not None and design_spec.control is not None:
            _with_control(entry, spec, design_spec, point, members, ok, groups, count)
        out.append((design, point, entry))
    return out


def _with_control(entry: dict, spec, design, point: str, members: list[dict], ok: list[dict], groups,
                  count: int) -> None:
    """Replace the plain means and intervals by control-variate ones where the control allows
    (control_variate.py); ``estimator`` says which, ``<metric>_rho`` how correlated the control was."""
    control = spec.design(design.control)
    cpoint = json.dumps(spec.relevant(control, json.loads(point)), sort_keys=True, separators=(",", ":"))
    ctrl = {r["snapshot"]: r for r in groups.get((control.name, cpoint), [])
            if r["snapshot"] < spec.snapshots_of(control.name) and standing(r, spec.max_gap) == "ok"}
    used, regressors = 0, 1
    for name in METRICS:
        est = controlled_metric(name, RATIOS, members, {r["snapshot"] for r in ok}, ctrl, count,
                                nodes=design.control_nodes)
        if est is None or not math.isfinite(est.value):
            continue
        entry[name], entry[f"{name}_ci95"], entry[f"{name}_rho"] = est.value, est.half_width, est.rho
        used, regressors = used + 1, max(regressors, est.controls)
    nodes = f", up to {regressors} regressors with its node counts and rates" if regressors > 1 else ""
    entry["estimator"] = f"control {control.name} ({len(ctrl)} snapshots{nodes})" if used else \
        f"plain ({_why_plain(control.name, design.name, members, ok, ctrl)})"


def _why_plain(control: str, design: str, members: list[dict], ok: list[dict], ctrl: dict[int, dict]) -> str:
    if not {r["snapshot"] for r in ok} <= ctrl.keys():
        return f"control {control} not ok on every snapshot where {design} is"
    shared = sum(r["snapshot"] in ctrl for r in members)
    if shared < MIN_PAIRED:
        return f"{shared} snapshots shared with control {control}, fewer than {MIN_PAIRED}"
    if len(ctrl) - shared < 2:
        return f"control {control} has no further snapshots (yet)"
    return f"control {control}: no finite estimate"


def selected_rows(rows: list[dict], sel, expected: int = 0, max_gap: float = DEFAULT_MAX_GAP) -> list[dict]:
    """Per (point without the ``over`` keys, snapshot): the certified row of ``sel.design`` with the best
    ``sel.by``; status ``none_feasible`` when no choice was certified, ``pending`` while fewer than
    ``expected`` choices are stored (a sweep still running). ``choice`` records the pick."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        if row["design"] != sel.design:
            continue
        point = {k: v for k, v in json.loads(row["point"]).items() if k not in sel.over}
        groups.setdefault((json.dumps(point, sort_keys=True, separators=(",", ":")), row["snapshot"]), []).append(row)
    out = []
    for (point, snapshot), members in sorted(groups.items()):
        ok = [r for r in members if standing(r, max_gap) == "ok" and r.get(sel.by) is not None
              and math.isfinite(r[sel.by])]
        if len(members) < expected or not ok:
            first = members[0]
            out.append({**{k: first[k] for k in ("seed", "n_bs", "n_users", "n_targets") if k in first},
                        "design": sel.name, "point": point, "snapshot": snapshot,
                        "status": "pending" if len(members) < expected else "none_feasible",
                        "reason": f"{len(members)} of {expected} choices stored" if len(members) < expected
                        else f"no certified choice among {len(members)}", "choice": ""})
            continue
        best = (min if sel.minimise else max)(ok, key=lambda r: r[sel.by])
        choice = {k: v for k, v in json.loads(best["point"]).items() if k in sel.over}
        out.append({**best, "design": sel.name, "point": point, "choice": json.dumps(choice, sort_keys=True)})
    return out


def pareto(x: np.ndarray, y: np.ndarray, x_lower: bool, y_lower: bool) -> np.ndarray:
    """Indices of the points no other point beats in both coordinates, sorted by x."""
    sx, sy = (-1 if x_lower else 1), (-1 if y_lower else 1)
    keep = [i for i in range(len(x)) if not any(
        sx * x[j] >= sx * x[i] and sy * y[j] >= sy * y[i] and (x[j] != x[i] or y[j] != y[i]) for j in range(len(x)))]
    return np.array(sorted(keep, key=lambda i: x[i]), dtype=int)


def time_sharing(x_name: str, y_name: str, comm: dict, sensing: dict, n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Time sharing (SPEC.md 9) between a comm corner and a sensing corner, tau from 0 to 0.98.

    Rates and ASEs are the time-weighted averages of the corners; a CRLB is the sensing corner's
    divided by (1 - tau) (its root by sqrt(1 - tau)): only the sensing slots estimate.
    """
    tau = np.linspace(0.0, 0.98, n)

    def along(name: str) -> np.ndarray:
        if name == "mean_crlb":
            return sensing[name] / (1 - tau)
        if name == "mean_root_crlb":
            return sensing[name] / np.sqrt(1 - tau)
        return tau * comm[name] + (1 - tau) * sensing[name]

    return along(x_name), along(y_name)


def corners(points: list[dict], x_name: str, y_name: str) -> tuple[dict, dict]:
    """(comm corner, sensing corner): the points best in the comm metric and in the sensing metric."""
    comm_metric = y_name if x_name in SENSING else x_name
    sens_metric = x_name if x_name in SENSING else y_name
    best = (lambda name: (min if name in LOWER_IS_BETTER else max))
    comm = best(comm_metric)(points, key=lambda p: p[comm_metric])
    sensing = best(sens_metric)(points, key=lambda p: p[sens_metric])
    return comm, sensing


def write_csv(table, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    return path

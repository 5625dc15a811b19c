"""The per-point table of ``isacopt report`` as text that fits a terminal (100 columns by default).

Columns are as wide as their content; a mean and its 95 % half-width print as ``9.2 +-12``; when the
metrics do not fit beside the grid keys they continue in a second block that repeats the keys, so
that no line is wider than ``width``. Exclusions (snapshots left out of a point's averages) are listed
under the table, one line per point that has any.
"""

from __future__ import annotations

import json
import math
import textwrap

from .metrics import METRICS
from .report import format_value

SHORT = {"comm_ase": "comm ASE", "sensing_ase": "sens ASE", "mean_rate": "rate", "mean_root_crlb": "root CRLB",
         "mean_crlb": "CRLB", "crlb_coverage": "CRLB cov", "sinr_coverage": "SINR cov",
         "energy_efficiency": "EE", "backhaul_load": "backhaul", "backhaul_utilisation": "bh util",
         "total_power": "power"}


def _pm(mean: float, half: float) -> str:
    if mean != mean:
        return "-"
    return f"{mean:.4g}" + ("" if half != half or not math.isfinite(half) else f" +-{half:.2g}")


def _unit(name: str) -> str:
    unit = METRICS[name][0]
    return unit.replace("bit/s/Hz", "b/s/Hz") if unit else ""


def report_lines(table, keys: list[str], metrics: list[str], width: int = 100) -> list[str]:
    """The table's lines: design, grid keys, ok/n, then the metrics (mean +-half-width), in blocks <= width."""
    fixed_head = ["design", *(k.split(".")[-1] for k in keys), "ok/n"]
    fixed_rows = [[str(r["design"]), *(format_value(r[k]) for k in keys), f"{r['ok']}/{r['snapshots']}"]
                  for _, r in table.iterrows()]
    cols = {m: [_pm(r[m], r[m + "_ci95"]) for _, r in table.iterrows()] for m in metrics}
    fixed_w = [max(len(h), *(len(row[i]) for row in fixed_rows)) if fixed_rows else len(h)
               for i, h in enumerate(fixed_head)]
    metric_w = {m: max(len(SHORT.get(m, m)), len(_unit(m)), *(len(c) for c in cols[m])) if cols[m] else len(m)
                for m in metrics}
    base = sum(fixed_w) + 2 * len(fixed_w)
    blocks: list[list[str]] = [[]]
    for m in metrics:
        used = base + sum(metric_w[x] + 2 for x in blocks[-1])
        if blocks[-1] and used + metric_w[m] > width:
            blocks.append([])
        blocks[-1].append(m)
    out: list[str] = []
    for b, block in enumerate(blocks):
        if b:
            out.append("")
        head = [h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(fixed_head, fixed_w))]
        units = ["" .ljust(w) for w in fixed_w]
        out.append("  ".join(head + [SHORT.get(m, m).rjust(metric_w[m]) for m in block]).rstrip())
        if any(_unit(m) for m in block):
            out.append("  ".join(units + [_unit(m).rjust(metric_w[m]) for m in block]).rstrip())
        for i, row in enumerate(fixed_rows):
            cells = [c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, fixed_w))]
            out.append("  ".join(cells + [cols[m][i].rjust(metric_w[m]) for m in block]).rstrip())
    out += _control_lines(table, metrics, width)
    notes = [(str(r["design"]), [format_value(r[k]) for k in keys], json.loads(r["excluded"]))
             for _, r in table.iterrows() if r["excluded"] != "{}"]
    if notes:
        out += ["", "left out of a point's averages:"]
        out += [f"  {d} {' '.join(v)}: " + ", ".join(f"{n} {why}" for why, n in sorted(ex.items()))
                for d, v, ex in notes]
    return out


def _control_lines(table, metrics: list[str], width: int) -> list[str]:
    """Per design with a control variate: at how many points it was used and how correlated the control was."""
    if "estimator" not in table.columns:
        return []
    lines = []
    for design, part in table[table["estimator"].notna()].groupby("design", sort=False):
        used = part[part["estimator"].str.startswith("control")]
        if used.empty:  # e.g. a sweep still running, whose control has not yet gone beyond the design
            reason = part["estimator"].iloc[0].removeprefix("plain (").removesuffix(")")
            text = f"{design}: plain means at every point ({reason})"
        else:
            control = used["estimator"].iloc[0].split()[1]
            ranges = [f"{SHORT.get(m, m)} {used[m + '_rho'].min():.2f}-{used[m + '_rho'].max():.2f}"
                      for m in metrics if m + "_rho" in used.columns and used[m + "_rho"].notna().any()]
            # with the node regressors the _rho columns hold the multiple correlation R (>= 0)
            kind = "multiple correlation" if used["estimator"].str.contains("regressors").any() else "correlation"
            text = (f"{design}: control {control} at {len(used)} of {len(part)} points"
                    + ("" if len(used) == len(part) else ", plain means elsewhere (the CSV's estimator column says why)")
                    + (f"; {kind} {', '.join(ranges)}" if ranges else ""))
        lines += textwrap.wrap(text, width=max(width, 40), initial_indent="  ", subsequent_indent="    ")
    return ["", "intervals with a control variate (the same networks; see the sweeps how-to):", *lines] if lines else []

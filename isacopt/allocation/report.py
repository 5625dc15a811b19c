"""The allocation's console summary: per method, Nt and service level the choice per w (with its interval
and its margin over the runner-up), the gain of the envelope over time sharing, and the refused tuples."""

from __future__ import annotations

import math

from .select import region


def _pm(value: float, half: float | None) -> str:
    if half is None or not isinstance(half, float) or math.isnan(half):
        return f"{value:.3f}"
    return f"{value:.3f} +- {half:.3f}"


def summary_lines(result) -> list[str]:
    spec = result.spec
    lines = [f"{spec.name}: {len(spec.tuples())} tuples x {len(spec.tx_antennas)} Nt, "
             f"{spec.snapshots} snapshots (Monte Carlo, common random numbers), in {result.wall_s:.1f} s"]
    for method in sorted(set(result.table["method"])):
        table = result.of(method)
        picks = result.choices[result.choices["method"] == method]
        refused = table[table["status"] == "dof_refused"]
        incomplete = table[table["status"] == "incomplete"]
        lines.append(f"\n[{method}] refused for lack of antennas: {len(refused)} of {len(table)} (Nt, tuple) pairs"
                     + (f"; incomplete (some snapshot failed): {len(incomplete)}" if len(incomplete) else ""))
        for nt in spec.tx_antennas:
            for level in spec.service:
                reg = region(table, None, nt, level)
                head = (f"  Nt = {nt}, service {level.name!r} (rate >= {level.rate_bps_hz:g}, radar rate >= "
                        f"{level.radar_rate_bps_hz:g}):")
                if reg["corners"] is None:
                    lines.append(head + " no tuple meets it")
                    continue
                gain = reg["gain"]
                lines.append(head + f" envelope of {len(reg['envelope'])} tuples, largest gain over time sharing "
                             f"{100 * gain:.1f} %" + (f" at {reg['gain_at']}" if reg["gain_at"] else ""))
                rows = picks[(picks["tx_antennas"] == nt) & (picks["service"] == level.name)]
                for r in rows.to_dict("records"):
                    if r["status"] != "ok":
                        continue
                    margin = r.get("margin", math.nan)
                    mtext = "" if margin is None or math.isnan(margin) else \
                        f", margin over {r['runner_up']}: {_pm(margin, r.get('margin_ci95'))}"
                    lines.append(f"    w = {r['weight']:.2f}: {r['label']:18s} objective "
                                 f"{_pm(r['objective'], r.get('objective_ci95'))} (ASE_c {r['comm_ase']:.3f}, "
                                 f"ASE_s {r['sensing_ase']:.3f}){mtext}")
    return lines

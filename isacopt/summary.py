"""Readable text summaries of snapshots (used by ``isacopt show``)."""

from __future__ import annotations

from .network.model import Network
from .results import DEFAULT_MAX_GAP


def count_noun(n: int, noun: str) -> str:
    """'1 BS', '2 BSs', '1 design', '3 designs', '1 base station'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _fmt_bps(v: float | None) -> str:
    if v is None:
        return "unlimited"
    for unit, scale in (("Gbit/s", 1e9), ("Mbit/s", 1e6), ("kbit/s", 1e3)):
        if v >= scale:
            return f"{v / scale:.3g} {unit}"
    return f"{v:.3g} bit/s"


def network_summary(network: Network) -> str:
    """Counts, densities, system parameters and a per-BS table."""
    s = network.system
    lines = [f"{network.name}: {count_noun(network.n_bs, 'base station')}, {count_noun(network.n_users, 'user')}, "
             f"{count_noun(network.n_targets, 'target')}"]
    if network.description:
        lines.append("  " + " ".join(network.description.split()))
    if network.window is not None:
        area = network.window.area_km2
        lines.append(f"window {network.window.lower_m} .. {network.window.upper_m} m, {area:.3g} km^2: "
                     f"densities per km^2 (nodes inside the window) BS {_inside(network, 'base_stations') / area:.3g}, "
                     f"users {_inside(network, 'users') / area:.3g}, targets {_inside(network, 'targets') / area:.3g}")
    lines.append(f"system: f_c {s.carrier_hz / 1e9:g} GHz, B {s.bandwidth_hz / 1e6:g} MHz, noise {s.noise_dbm:g} dBm, "
                 f"alpha {s.pathloss_exponent:g}, L {s.samples} samples, beta_rms {s.beta_rms_hz / 1e6:.4g} MHz")
    spec = network.channels
    extra = {"rayleigh": lambda: f", seed {spec.seed}", "rician": lambda: f", K {spec.k_factor:g}, seed {spec.seed}",
             "explicit": lambda: f", file {spec.file}"}.get(spec.model, lambda: "")()
    lines.append(f"channels: {spec.model}{extra}; BS-BS cross-links {spec.crosslink}")
    lines.append("")
    lines.append(f"{'BS':>8} {'x [m]':>9} {'y [m]':>9} {'Nt':>4} {'Nr':>4} {'psi[deg]':>8} {'P [W]':>7} {'backhaul':>12}")
    for b in network.base_stations:
        lines.append(f"{b.id:>8} {b.position_m[0]:9.1f} {b.position_m[1]:9.1f} {b.tx_antennas:4d} {b.rx_antennas:4d} "
                     f"{b.orientation_deg:8.1f} {b.power_w:7.3g} {_fmt_bps(b.backhaul_bps):>12}")
    if network.users:
        with_target = [u for u in network.users if u.sinr_db is not None]
        t1 = sum(u.receiver == "type1" for u in network.users)
        lines.append(f"users: {len(with_target)} with SINR targets"
                     + (f" ({min(u.sinr_db for u in with_target):g} .. {max(u.sinr_db for u in with_target):g} dB)"
                        if with_target else "") + f"; {t1} type-I, {network.n_users - t1} type-II receivers")
    if network.targets:
        rcs = [t.rcs_m2 for t in network.targets]
        lines.append(f"targets: RCS {min(rcs):g} .. {max(rcs):g} m^2")
    if network.eavesdroppers:
        lines.append(f"eavesdroppers: {', '.join(e.id for e in network.eavesdroppers)} (SINR caps "
                     f"{', '.join(f'{e.max_sinr_db:g}' for e in network.eavesdroppers)} dB; "
                     f"{len(network.private_eavesdroppers)} with a sensing-privacy cap)")
    return "\n".join(lines)


def _inside(network: Network, kind: str) -> int:
    w = network.window
    return sum(1 for n in getattr(network, kind) if w is None or w.contains(n.position_m))


def _f(x: float | None, fmt: str = ".3g") -> str:
    if x is None:
        return "-"
    return format(x, fmt) if x == x and abs(x) != float("inf") else ("inf" if x > 0 else "-inf")


def _objective_label(name: str, unit: str) -> str:
    """What an objective's number is (from its class), where its unit alone could mislead."""
    from .objectives import REGISTRY

    for family in REGISTRY.values():
        cls = family.get(name)
        if cls is not None and cls.unit == unit:
            return cls.description
    return ""


def _why_infinite(targets) -> list[str]:
    """A note under the target table for every infinite position CRLB: why it cannot be finite."""
    one = [t.id for t in targets if t.root_crlb_m == float("inf") and len(t.sensing_bs) <= 1]
    other = [t.id for t in targets if t.root_crlb_m == float("inf") and len(t.sensing_bs) > 1]
    out = []
    if one:
        out.append(f"  CRLB inf for {', '.join(one)}: sensed by one BS, whose time of arrival measures one range "
                   "(a circle), not a position; a finite CRLB needs two BSs (sensing_cluster >= 2)")
    if other:
        out.append(f"  CRLB inf for {', '.join(other)}: its BSs give no two independent directions (collinear "
                   "with the target, or no sensing power reaches it)")
    return out


def solution_summary(solution) -> str:
    """A compact table: status, objective and bound, per user, per target, per BS, certificate."""
    s = solution
    reason = s.reason.removeprefix(f"{s.status}: ")
    if s.conflicts and all(c in reason for c in s.conflicts):  # the list follows below: print it once
        reason = reason[:min(reason.index(c) for c in s.conflicts)].rstrip(" :;(")
    lines = [f"status: {s.status}" + (f" ({reason})" if reason else "")]
    if s.objective is not None:
        what = _objective_label(s.objective_name, s.objective_unit)
        lines.append(f"objective {s.objective_name}{f' ({what})' if what else ''}: {_f(s.objective, '.6g')} "
                     f"{s.objective_unit}"
                     f" ({'proven bound' if s.search is not None else 'relaxation bound'} {_f(s.bound, '.6g')})")
    if s.search is not None:
        q = s.search
        lines.append(f"search {q.method}: {q.links} links, {q.nodes} nodes, {q.convex_solves} convex solves, "
                     f"{q.infeasible_choices} choices ruled out by the limits; best bound {_f(q.best_bound, '.6g')}, "
                     f"gap {_f(q.gap, '.2e')}" + (f"; stopped: {q.stopped}" if q.stopped else ""))
    if s.conflicts:
        lines += ["conflicting constraints:"] + [f"  - {c}" for c in s.conflicts]
    if s.users:
        lines += ["", f"{'user':>8} {'served by':>12} {'SINR dB':>8} {'target':>7} {'rate b/s/Hz':>11}"]
        lines += [f"{u.id:>8} {','.join(u.serving_bs) or '-':>12} {_f(u.sinr_db, '.2f'):>8} "
                  f"{_f(u.sinr_target_db, '.1f'):>7} {_f(u.rate_bps_hz, '.3f'):>11}" for u in s.users]
    if s.targets:
        lines += ["", f"{'target':>8} {'sensed by':>12} {'gain W':>9} {'SINRs dB':>9} {'CRB deg':>9} {'CRLB m':>9}"]
        lines += [f"{t.id:>8} {','.join(t.sensing_bs):>12} {_f(t.beampattern_gain_w):>9} "
                  f"{_f(t.sensing_sinr_db, '.2f'):>9} {_f(t.angle_crb_deg):>9} {_f(t.root_crlb_m):>9}"
                  for t in s.targets]
        lines += _why_infinite(s.targets)
    if s.eavesdroppers:
        lines += ["", f"{'eaves.':>8} {'cap dB':>7} {'worst SINR dB':>13} {'min secrecy b/s/Hz':>18} {'beam W':>9} "
                      f"{'cap W':>7}"]
        lines += [f"{e.id:>8} {_f(e.max_sinr_db, 'g'):>7} {_f(e.sinr_db, '.2f'):>13} "
                  f"{_f(min(e.secrecy_rate_bps_hz, default=None), '.3f'):>18} {_f(e.beampattern_w):>9} "
                  f"{_f(e.max_beampattern_w, 'g'):>7}" for e in s.eavesdroppers]
    if s.base_stations:
        lines += ["", f"{'BS':>8} {'power W':>9} {'budget':>7} {'comm W':>8} {'sense W':>8} {'DoF':>4} {'nulls':>5} "
                      f"{'backhaul':>10}"]
        lines += [f"{b.id:>8} {_f(b.power_w, '.4f'):>9} {_f(b.power_budget_w, 'g'):>7} {_f(b.comm_power_w, '.3f'):>8} "
                  f"{_f(b.sensing_power_w, '.3f'):>8} {b.dof:>4} {b.nulls:>5} {_fmt_bps(b.backhaul_load_bps):>10}"
                  for b in s.base_stations]
    if s.network is not None:
        n = s.network
        lines += ["", f"sum rate {n.sum_rate_bps_hz:.3f} bit/s/Hz, total power {n.total_power_w:.4f} W, "
                      f"energy efficiency {_f(n.energy_efficiency_bit_j)} bit/J"
                  + (f", comm ASE {_f(n.comm_ase_bps_hz_km2)}, sensing ASE {_f(n.sensing_ase_bps_hz_km2)} "
                     "bit/s/Hz/km^2" if n.comm_ase_bps_hz_km2 is not None else "")]
    if s.certificate is not None:
        c = s.certificate
        lines.append(f"certificate: {'holds' if c.holds else 'FAILS'}; max violation {c.max_violation:.1e}"
                     f" ({c.worst_constraint}), relaxation gap {_f(c.relaxation_gap, '.1e')}, "
                     f"extraction {c.extraction}, null leakage {c.null_leakage:.1e}")
        if c.holds and s.status in ("optimal", "optimal_reduced_accuracy") and not s.certified():
            lines.append(f"  feasible, NOT certified optimal: the design is {c.relaxation_gap:.2g} (relative) from "
                         f"its bound, more than {DEFAULT_MAX_GAP:g}; studies leave it out of their averages")
    lines.append(f"time: {s.timing.total_s:.2f} s (solver {s.timing.solver_s:.2f} s); attempts: "
                 + _attempts(s.attempts))
    return "\n".join(lines)


def _attempts(attempts: list[str]) -> str:
    """Every attempt when there are few; counts per outcome when a bisection or SCA made many."""
    if len(attempts) <= 4:
        return "; ".join(attempts)
    from collections import Counter

    counts = Counter(a.split(" (")[0] for a in attempts)
    return f"{len(attempts)} solver calls (" + ", ".join(f"{n} x {k}" for k, n in counts.items()) + ")"

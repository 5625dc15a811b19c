"""Readable text summaries of snapshots (used by ``isacopt show``)."""

from __future__ import annotations

from .network.model import Network


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
    lines = [f"{network.name}: {network.n_bs} base stations, {network.n_users} users, {network.n_targets} targets"]
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
    return "\n".join(lines)


def _inside(network: Network, kind: str) -> int:
    w = network.window
    return sum(1 for n in getattr(network, kind) if w is None or w.contains(n.position_m))

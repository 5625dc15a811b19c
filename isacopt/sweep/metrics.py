"""What a sweep stores per snapshot: the network metrics of SPEC.md section 8, from a Solution.

Users and targets are counted inside the evaluation window only (BSs of the guard band transmit
and interfere but their nodes are not measured), and the ASEs and per-node means count only the
users a BS serves and the targets a BS probes (SPEC.md section 8: a node nobody spends resources on
contributes nothing). Sums and counts are stored, not only means, so
that pooled quantities (coverage probabilities, mean rate per user) are exact ratios over all
snapshots rather than averages of per-snapshot ratios.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..channels.pathloss import radar_gain
from ..metrics.network import in_window
from ..network.model import Network
from ..results import Solution

# name -> (unit, description); the columns of the store and the report
METRICS: dict[str, tuple[str, str]] = {
    "comm_ase": ("bit/s/Hz/km^2", "communication ASE: sum of the served users' rates in the window / window area"),
    "sensing_ase": ("bit/s/Hz/km^2", "sensing ASE: sum of log2(1 + sensing SINR) of the probed targets in the "
                    "window / area"),
    "mean_rate": ("bit/s/Hz", "mean rate per served user in the window"),
    "mean_radar_rate": ("bit/s/Hz", "mean radar information rate log2(1 + SINR_s) per probed target in the window"),
    "served_fraction": ("", "fraction of the users in the window that a BS serves"),
    "probed_fraction": ("", "fraction of the targets in the window that a BS probes"),
    "mean_root_crlb": ("m", "mean root position CRLB of the probed targets in the window with a finite CRLB"),
    "mean_crlb": ("m^2", "mean position CRLB (variance) of the probed targets in the window with a finite CRLB"),
    "crlb_coverage": ("", "fraction of targets in the window probed with root CRLB <= the threshold"),
    "sinr_coverage": ("", "fraction of users in the window with SINR >= the threshold"),
    "energy_efficiency": ("bit/J", "B sum_k r_k / sum_b (tr R_b / eta + P_circuit), whole network"),
    "backhaul_load": ("bit/s", "mean backhaul load per BS"),
    "backhaul_utilisation": ("", "largest load / capacity over the BSs (0 without capacities)"),
    "total_power": ("W", "sum of the transmit powers of all BSs"),
}

# pooled ratio metrics: (numerator column, denominator column)
RATIOS = {
    "mean_rate": ("sum_rate_window", "n_served"),
    "mean_radar_rate": ("sum_radar_window", "n_probed"),
    "served_fraction": ("n_served", "n_users"),
    "probed_fraction": ("n_probed", "n_targets"),
    "mean_root_crlb": ("sum_root_crlb", "n_targets_finite"),
    "mean_crlb": ("sum_crlb", "n_targets_finite"),
    "crlb_coverage": ("n_crlb_covered", "n_targets"),
    "sinr_coverage": ("n_sinr_covered", "n_users"),
}


def snapshot_metrics(network: Network, solution: Solution | None, *, crlb_threshold_m: float,
                     sinr_threshold_db: float) -> dict[str, Any]:
    """Counts, sums and per-snapshot metrics of a solved snapshot (only the counts without a design)."""
    users_in, targets_in = in_window(network)
    row: dict[str, Any] = {"n_bs": network.n_bs, "n_users": int(users_in.sum()), "n_targets": int(targets_in.sum())}
    if solution is None or not solution.ok or solution.network is None:
        return row
    anywhere_served = np.array([u.served for u in solution.users], dtype=bool)
    anywhere_probed = np.array([t.probed for t in solution.targets], dtype=bool)
    served, probed = users_in & anywhere_served, targets_in & anywhere_probed
    all_rates = np.array([u.rate_bps_hz for u in solution.users])
    all_radar = np.array([t.radar_rate_bps_hz for t in solution.targets])
    rates = all_rates[served]
    sinr_db = np.array([u.sinr_db for u in solution.users])[users_in]
    root = np.array([t.root_crlb_m for t in solution.targets])[probed]  # unprobed targets get no resources
    finite = np.isfinite(root)
    loads = np.array([b.backhaul_load_bps for b in solution.base_stations])
    caps = np.array([b.backhaul_capacity_bps or 0.0 for b in solution.base_stations])
    util = [ld / c for ld, c in zip(loads, caps) if c > 0]
    area = network.window.area_km2 if network.window is not None else math.nan
    radar = all_radar[probed]
    row.update(
        # the worst served user and probed target anywhere (the guard band too): what a max-min design's level
        # follows, kept as regressors of a control variate (control_variate.py); 0 where there is none
        worst_rate=float(all_rates[anywhere_served].min()) if anywhere_served.any() else 0.0,
        worst_radar_rate=float(all_radar[anywhere_probed].min()) if anywhere_probed.any() else 0.0,
        alone_radar_rate=_alone_radar_rate(network, solution, anywhere_probed),
        n_served=int(served.sum()),
        n_probed=int(probed.sum()),
        sum_radar_window=float(radar.sum()),
        n_targets_finite=int(finite.sum()),
        n_crlb_covered=int(np.sum(root <= crlb_threshold_m)),
        n_sinr_covered=int(np.sum(sinr_db >= sinr_threshold_db)),
        sum_rate_window=float(rates.sum()),
        sum_root_crlb=float(root[finite].sum()),
        sum_crlb=float(np.sum(root[finite] ** 2)),
        comm_ase=float(rates.sum() / area),
        sensing_ase=float(radar.sum() / area),
        energy_efficiency=float(solution.network.energy_efficiency_bit_j),
        backhaul_load=float(loads.mean()) if loads.size else 0.0,
        backhaul_utilisation=float(max(util)) if util else 0.0,
        total_power=float(solution.network.total_power_w),
    )
    return row


def _alone_radar_rate(network: Network, solution: Solution, probed: np.ndarray) -> float:
    """log2(1 + the weakest probed target's SINR alone), anywhere: the SINR it gets with its (first) sensing
    BS's whole budget aimed at it and no interference, L Nr G(d, d) P Nt / sigma^2 (SPEC.md 10's single-target
    bound). Geometry only, the same for every design at a point: what bounds a max-min sensing design's
    level, a regressor of the control variate (0 where no target is probed)."""
    if not probed.any():
        return 0.0
    index = {b.id: i for i, b in enumerate(network.base_stations)}
    tgt = np.flatnonzero(probed)
    bss = [index[solution.targets[t].sensing_bs[0]] for t in tgt]
    dist = np.linalg.norm(network.target_positions[tgt] - network.bs_positions[bss], axis=-1)
    rcs = np.array([network.targets[t].rcs_m2 for t in tgt])
    budget = np.array([network.base_stations[b].rx_antennas * network.base_stations[b].power_w
                       * network.base_stations[b].tx_antennas for b in bss])
    snr = network.system.samples * budget * radar_gain(dist, dist, rcs, network.system) / network.system.noise_w
    return float(np.log2(1.0 + snr.min()))

"""Every reported metric, recomputed from a design with the metric functions (never solver values)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from pydantic import TypeAdapter

from .association import Association
from .channels.derive import Channels
from .design import TransmitDesign
from .metrics import (area_spectral_efficiency, backhaul_load, energy_efficiency, in_window,
                      joint_transmission_rates, radar_rate, rate, sensing_sinr, sinr,
                      target_beampattern)
from .metrics.backhaul import SensingLevel
from .metrics.angle_crb import angle_crb_at
from .metrics.sensing import at_heads
from .metrics.comm import JointTransmission
from .metrics.position_crlb import CrlbModel, PairSet, model_crlb
from .network.model import Network
from .metrics.secrecy import eavesdropper_beampattern, eavesdropper_sinr, secrecy_rates
from .results import BaseStationResult, EavesdropperResult, NetworkResult, TargetResult, UserResult
from .units import linear_to_db


# a list validated in one call: a third less time than one model per node (the validation is the same)
_USERS, _TARGETS = TypeAdapter(list[UserResult]), TypeAdapter(list[TargetResult])
_BASE_STATIONS = TypeAdapter(list[BaseStationResult])


@dataclass(frozen=True)
class Evaluation:
    users: list[UserResult]
    targets: list[TargetResult]
    base_stations: list[BaseStationResult]
    network: NetworkResult
    sinr: np.ndarray
    gains: np.ndarray            # (B, T)
    sensing_sinr: np.ndarray     # (B, T), at each target's head BS (NaN elsewhere: links not made)
    angle_crb: np.ndarray        # (B, T), at each target's head BS (NaN elsewhere)
    position_crlb: np.ndarray    # (T,)
    load: np.ndarray             # (B,)
    eavesdroppers: list[EavesdropperResult] = field(default_factory=list)
    eve_sinr: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (E, K), user k's data at e
    eve_beampattern: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (B, E), a^H R_b a toward e


def evaluate(network: Network, channels: Channels, design: TransmitDesign, association: Association, *,
             joint: JointTransmission = "coherent", pairs: PairSet = "fusion",
             sensing_level: SensingLevel | Sequence[SensingLevel] = "none",
             nulls=None, sinr_targets: Sequence[float | None] | None = None,
             probed: Sequence[bool] | None = None, crlb: CrlbModel | None = None,
             target_pairs: Sequence[PairSet] | None = None,
             rate_caps: Sequence[float] | None = None) -> Evaluation:
    """Per-user, per-target, per-BS and network metrics of ``design`` (``nulls``: a NullSpaces to report;
    ``sinr_targets``: the linear SINR target each user was held to, reported in dB; by default the users'
    own ``sinr_db``, which misses a problem-level target; ``probed``: which targets a BS spends resources
    on, all by default; ``crlb``: the position-CRLB options, default ``CrlbModel(pairs)``; ``target_pairs``
    and ``sensing_level`` per target where the backhaul admitted different levels; ``rate_caps``: the rate
    each user's backhaul carries, which caps its rate, see :mod:`isacopt.admission`). The ASEs count
    served users and probed targets only (SPEC.md section 8)."""
    imposed = [u.sinr_db for u in network.users] if sinr_targets is None else \
        [None if t is None else float(linear_to_db(t)) for t in sinr_targets]
    s = network.system
    ids = [b.id for b in network.base_stations]
    g = sinr(network, channels, design, joint)
    r = rate(g) if rate_caps is None else np.minimum(rate(g), np.asarray(rate_caps, dtype=float))
    gains = target_beampattern(channels, design)
    heads = [c[0] for c in association.sensing]
    # at each target's head BS only (NaN elsewhere): the other receivers' cross-links are never made
    ssinr = sensing_sinr(network, channels, design, pairs=at_heads(gains.shape, heads))
    crb = np.full(gains.shape, np.nan)  # at each target's head BS (NaN elsewhere), like the sensing SINRs
    crb[np.asarray(heads, dtype=np.int64), np.arange(len(heads))] = angle_crb_at(network, channels, design, heads)
    model = crlb if crlb is not None else CrlbModel(pairs=pairs)
    crlb = model_crlb(network, channels, design, association.sensing, model, target_pairs) if network.n_targets \
        else np.zeros(0)
    load = backhaul_load(network, association, joint_transmission_rates(network, r), sensing_level)
    served = np.array([bool(c) for c in association.serving], dtype=bool)
    probed_mask = np.ones(network.n_targets, dtype=bool) if probed is None else np.asarray(probed, dtype=bool)
    g_db = linear_to_db(g)  # every conversion in one array operation, not one call per node
    # each per-node value from one array operation, read out as Python floats in one call (scalar indexing
    # and numpy scalar arithmetic per node cost more than the results' validation)
    # each cluster's BS ids listed once (validation copies them into every node's own list)
    named = {c: [ids[b] for b in c] for c in {*map(tuple, association.serving), *map(tuple, association.sensing)}}
    users = _USERS.validate_python([
        {"id": u.id, "serving_bs": named[tuple(c)], "served": sv, "sinr_db": gk, "sinr_target_db": ik,
         "rate_bps_hz": rk, "throughput_bps": tk}
        for u, c, sv, gk, ik, rk, tk in zip(network.users, association.serving, served.tolist(), g_db.tolist(),
                                            imposed, r.tolist(), (s.bandwidth_hz * r).tolist())])
    at = (np.asarray(heads, dtype=int), np.arange(len(heads)))
    head_sinr = ssinr[at]
    radar = radar_rate(head_sinr)
    head_crb = crb[at]
    columns = zip(network.targets, association.sensing, probed_mask.tolist(), gains[at].tolist(),
                  linear_to_db(head_sinr).tolist(), radar.tolist(), head_crb.tolist(),
                  np.degrees(np.sqrt(head_crb)).tolist(), np.sqrt(crlb).tolist())
    targets = _TARGETS.validate_python([
        {"id": t.id, "sensing_bs": named[tuple(c)], "probed": pm, "beampattern_gain_w": gain, "sensing_sinr_db": sdb,
         "radar_rate_bps_hz": rr, "angle_crb_rad2": crb_t, "angle_crb_deg": deg, "root_crlb_m": root}
        for t, c, pm, gain, sdb, rr, crb_t, deg, root in columns])
    power, comm_power, sensing_power = design.power_w, design.comm_power_w, design.sensing_power_w  # once, not per BS
    dof = nulls.dof if nulls else None  # a tuple built per read: once, not per BS
    bss = _BASE_STATIONS.validate_python([
        {"id": b.id, "power_w": pj, "comm_power_w": cj, "sensing_power_w": sj, "power_budget_w": b.power_w,
         "backhaul_load_bps": lj, "backhaul_capacity_bps": b.backhaul_bps, "dof": dof[j] if dof else b.tx_antennas,
         "nulls": nulls.rank_spent[j] if nulls else 0,
         "nulled_users": [network.users[k].id for k in nulls.nulled_users[j]] if nulls else [],
         "protected_bs": [ids[i] for i in nulls.protected_bs[j]] if nulls else []}
        for j, (b, pj, cj, sj, lj) in enumerate(zip(network.base_stations, power.tolist(), comm_power.tolist(),
                                                     sensing_power.tolist(), load.tolist()))])
    users_in, targets_in = in_window(network)
    area = network.window.area_km2 if network.window is not None else None
    net = NetworkResult(
        sum_rate_bps_hz=float(r.sum()),
        comm_ase_bps_hz_km2=area_spectral_efficiency(r, users_in & served, area) if area else None,
        sensing_ase_bps_hz_km2=area_spectral_efficiency(radar, targets_in & probed_mask, area) if area else None,
        energy_efficiency_bit_j=energy_efficiency(network, design, r),
        total_power_w=float(power.sum()),
    )
    eve = eavesdropper_sinr(network, channels, design, joint)
    secrecy = secrecy_rates(g, eve) if eve.size else eve
    eve_gain = eavesdropper_beampattern(channels, design)
    eves = [EavesdropperResult(id=e.id, max_sinr_db=e.max_sinr_db, max_beampattern_w=e.max_beampattern_w,
                               beampattern_w=float(eve_gain[:, i].max()),
                               sinr_db=float(linear_to_db(eve[i].max())) if network.n_users else float("-inf"),
                               user_sinr_db=[float(linear_to_db(x)) for x in eve[i]],
                               secrecy_rate_bps_hz=[float(x) for x in secrecy[i]])
            for i, e in enumerate(network.eavesdroppers)]
    return Evaluation(users, targets, bss, net, g, gains, ssinr, crb, crlb, load, eves, eve, eve_gain)

"""The sum-rate surrogates of ``CooperativeISAC`` as plain linear data (formulation.linear), for the subspace path.

The cvxpy path's ``RateSurrogate`` maximises ``sum_k log(1 + T_k) - c_k I_k`` (T_k everything user k receives,
I_k its interference, both in noise units; c_k = 1 / (1 + I_k) at the linearisation point), ``EnergySurrogate``
the same minus a price on the transmit power, and ``EnergyBound`` ``sum_k log(1 + S_k)`` (S_k the useful power
alone) minus the price. In the linear form each user has

- a log level s_k (``LinearSDP.log_weights``, weight 1) with the row ``T_k / a_k - s_k >= 0`` (``S_k`` for the
  bound), in units of a scale a_k near T_k (``log_scales``; the objective's term is ``log(1 + a_k s_k)``);
- for the surrogates, a level u_k of weight -c_k with the row ``u_k - I_k >= 0``: the objective pushes u_k down
  onto I_k, and the level's stationarity fixes the row's multiplier at c_k, which prices the interference in
  every block's dual matrix.

Budgets, the split, SINR (rate) floors and the eavesdroppers' caps are ``linear_form.common_rows``; root-CRLB
limits the targets' Schur-complement levels after the u_k, in the limits only (as in a max-min-rate step).
The backhaul's rate caps (``objectives.rate_surrogate.backhaul_caps``) are rows that also hold a log level each
of the users' ``log(1 + I_k)`` (``backhaul_rows``, ``LinearSDP.log_rows``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..association import Association
from ..formulation.data import SnapshotData
from ..formulation.linear import LinearSDP, Row
from .linear_form import common_rows, crlb_limits, crlb_rows, received_by

GAP_FLOOR = 1e-3  # nats: a surrogate's gap is relative to at least this (it may be near 0 at a first point)


def rate_surrogate_sdp(opts, data: SnapshotData, assoc: Association, slope: NDArray[np.float64] | None, *,
                       price: float = 0.0, near: NDArray[np.float64] | None = None) -> LinearSDP:
    """``slope``: the c_k of the surrogate; None: the interference-free bound (S_k in the logs, no u_k).
    ``price``: per solver unit of transmit power, in nats (an energy-efficiency step). ``near``: each user's
    received power at the last point (noise units), the scale of its log level (``LinearSDP.log_scales``)."""
    base = common_rows(opts, data, assoc)
    rows, n_users = base.rows, data.network.n_users
    received = [[(X, h, own) for X, h, own in received_by(data, base.blocks, k) if own or slope is not None]
                for k in range(n_users)]
    scales = log_scales(data, base.blocks, received, near)
    weights: tuple[float, ...] = ()
    if slope is not None:
        weights = tuple(-float(c) for c in slope)
        for k in range(n_users):
            rows.append(Row(f"interference:{k}", 0.0, tau=1.0, group=k,
                            terms=[(X, -1.0, h) for X, h, own in received[k] if not own]))
    caps = opts.limits(data.network)
    limits, cones, aux, n_limited = [], [], {}, 0
    if any(lim is not None for lim in caps):
        levels, cones, ref, aux = crlb_rows(opts, data, assoc, base.blocks, base.by_bs, base.sensing_of, rows,
                                            first_group=len(weights), angles=opts.angle_information)
        limits, n_limited = crlb_limits(caps, levels, ref, first_group=len(weights)), len(levels)
    first_log = len(weights) + n_limited
    for k in range(n_users):  # received / scale - s_k >= 0
        rows.append(Row(f"received:{k}", 0.0, tau=-1.0, group=first_log + k,
                        terms=[(X, 1.0 / scales[k], h) for X, h, _ in received[k]]))
    log_weights, log_rows = [1.0] * n_users, {}
    if slope is not None:
        backhaul_rows(opts, data, assoc, base.blocks, received, slope, near, rows, scales, log_weights, log_rows,
                      first_log)
    return LinearSDP(base.blocks, rows, "max_t", base.budget_rows, weights=weights, level_floor=None,
                     gap_floor=GAP_FLOOR, in_power_units=False, cones=cones, power_price=price, limits=limits,
                     limited_levels=n_limited, aux_rows=aux, log_weights=tuple(log_weights), log_scales=tuple(scales),
                     log_rows=log_rows)


def backhaul_rows(opts, data: SnapshotData, assoc: Association, blocks, received: list, slope, near,
                  rows: list[Row], scales: list[float], log_weights: list[float], log_rows: dict,
                  first_log: int) -> None:
    """The surrogate's backhaul caps (``objectives.rate_surrogate.backhaul_caps``, SPEC.md 7), appended: for
    every BS b with a finite, enforced backhaul that receives shared data,

        sum_{k shared by b} [o_k + d_k T_k - log(1 + I_k)] <= C_b   (nats: capacity less the sensing load),

    the tangent o_k + d_k T_k of log(1 + T_k) at the last point an upper bound, so the cap is conservative.
    Each ``log(1 + I_k)`` is a log level of weight 0 (row ``I_k / a - z >= 0``) that the cap's row holds
    (``LinearSDP.log_rows``); the cap is elastic, as the SINR rows: the zero design need not meet it (o_k > 0)."""
    net = data.network
    sensing = opts.sensing_load(data, assoc)
    at = np.zeros(net.n_users) if near is None else np.asarray(near, float)
    level_of: dict[int, int] = {}
    for b, bs in enumerate(net.base_stations):
        users = [k for k, cluster in enumerate(assoc.serving) if b in cluster[1:]]
        if not users or bs.backhaul_bps is None or not opts.enforce_backhaul:
            continue
        cap = max(bs.backhaul_bps - sensing[b], 0.0) / net.system.bandwidth_hz * np.log(2)
        for k in users:
            if k not in level_of:  # log(1 + I_k) in units of 1 + I_k at the last point (1 / slope)
                level_of[k] = len(log_weights)
                heard = [term for term in received[k] if not term[2]]
                # (at the first point, no interference yet: what every block at its budgets would make)
                scale = 1.0 / float(slope[k]) if slope[k] < 1 else log_scales(data, blocks, [heard], None)[0]
                rows.append(Row(f"capped:{k}", 0.0, tau=-1.0, group=first_log + len(log_weights),
                                terms=[(X, 1.0 / scale, h) for X, h, _ in heard]))
                log_weights.append(0.0)
                scales.append(scale)
        offset = sum(float(np.log1p(at[k]) - at[k] / (1 + at[k])) for k in users)
        terms = [(X, -1.0 / (1 + at[k]), h) for k in users for X, h, _ in received[k]]
        log_rows[len(rows)] = tuple(level_of[k] for k in users)
        rows.append(Row(f"backhaul:{b}", offset - cap, terms=terms, elastic=True))


def log_scales(data: SnapshotData, blocks, received: list, near: NDArray[np.float64] | None) -> list[float]:
    """1 + each user's received power at the last point, or (first point, or nothing received) the square root
    of 1 + what it would receive with every block it hears at its BSs' whole budgets, a geometric middle
    between no power and all of it (the full amount was 600 times a capped rate's received power, and
    Clarabel missed the backhaul rows by 3e-2): only the conditioning depends on it."""
    out = []
    for k, terms in enumerate(received):
        if near is not None and near[k] > 0:
            out.append(1.0 + float(near[k]))
            continue
        most = sum(sum(data.budget(b) for b in blocks[X].spans) * float(np.vdot(h, h).real) for X, h, _ in terms)
        out.append(float(np.sqrt(1.0 + most)))
    return out


def user_powers(sdp: LinearSDP, values: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(received, interference) per user [noise units] from the row values of ``rate_surrogate_sdp``'s rows
    (the interference is 0 in the bound's form), clipped at 0 as on the cvxpy path."""
    labels = {r.label: i for i, r in enumerate(sdp.rows)}
    n = sum(r.label.startswith("received:") for r in sdp.rows)
    received = np.array([values[labels[f"received:{k}"]] * sdp.log_scales[k] for k in range(n)])
    interference = np.array([-values[labels[f"interference:{k}"]] if f"interference:{k}" in labels else 0.0
                             for k in range(n)])
    return np.maximum(received, 0.0), np.maximum(interference, 0.0)


__all__ = ["rate_surrogate_sdp", "user_powers"]

"""The certificate: every constraint re-checked on the extracted design, in SI units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..design import TransmitDesign
from ..evaluate import Evaluation
from ..formulation.data import SnapshotData
from ..results import Certificate

DEFAULT_TOL = 1e-6
LEAKAGE_TOL = 1e-9


@dataclass(frozen=True)
class Checks:
    """Which constraints the problem imposed (the certificate re-checks exactly these)."""

    sinr_users: tuple[int, ...] = ()
    per_antenna: bool = False
    beampattern_floor_w: float | None = None
    sensing_sinr_floor: float | None = None  # linear
    eavesdroppers: bool = False  # every served user's SINR at every eavesdropper at most its cap


SINR_LABEL = "SINR of user "  # a user's SINR constraint in a certificate: "SINR of user u3"


def is_sinr_label(label: str) -> bool:
    """Whether a certificate's constraint label names a user's SINR target (what ``violations`` writes)."""
    return label.startswith(SINR_LABEL)


def violations(data: SnapshotData, design: TransmitDesign, ev: Evaluation, checks: Checks) -> dict[str, float]:
    """Relative violation of every constraint (0 when met)."""
    net = data.network
    out: dict[str, float] = {}
    for k in checks.sinr_users:
        gamma = data.sinr_targets[k]
        out[f"{SINR_LABEL}{net.users[k].id}"] = max(0.0, (gamma - ev.sinr[k]) / gamma)
    power = design.power_w  # once: the property sums every BS
    for b, bs in enumerate(net.base_stations):
        out[f"power of {bs.id}"] = max(0.0, (power[b] - bs.power_w) / bs.power_w)
        if checks.per_antenna:
            cap = bs.power_w / bs.tx_antennas
            diag = np.real(np.diag(design.covariance(b)))
            out[f"per-antenna power of {bs.id}"] = max(0.0, float((diag.max() - cap) / cap))
    for t, b in enumerate(data.sensing):
        tid = net.targets[t].id
        if checks.beampattern_floor_w is not None:
            f = checks.beampattern_floor_w
            out[f"beampattern toward {tid}"] = _shortfall(f, ev.gains[b, t])
        if checks.sensing_sinr_floor is not None:
            f = checks.sensing_sinr_floor
            out[f"sensing SINR of {tid}"] = _shortfall(f, ev.sensing_sinr[b, t])
    if checks.eavesdroppers:
        for e, eve in enumerate(net.eavesdroppers):
            cap = 10 ** (eve.max_sinr_db / 10)
            for k, b in enumerate(data.serving):
                if b >= 0:
                    out[f"SINR of {net.users[k].id} at eavesdropper {eve.id}"] = max(0.0, (ev.eve_sinr[e, k] - cap) / cap)
            if eve.max_beampattern_w is not None:
                worst = float(ev.eve_beampattern[:, e].max())
                out[f"beampattern toward eavesdropper {eve.id}"] = max(0.0, (worst - eve.max_beampattern_w)
                                                                       / eve.max_beampattern_w)
    return out


def null_leakage(data: SnapshotData, design: TransmitDesign) -> float:
    """max over nulls of leaked power / (||channel||^2 tr(R_j)): 0 for perfect nulls.

    A BS transmitting below 1e-9 of its budget is skipped: it leaks less than that fraction of
    its budget whatever the direction, and a ratio of solver noise to solver noise means nothing."""
    worst = 0.0
    ch = data.channels
    for j in range(data.network.n_bs):
        r = design.covariance(j)
        p = float(np.real(np.trace(r)))
        if p <= LEAKAGE_TOL * data.network.base_stations[j].power_w:
            continue
        if data.nulls.rows:  # every null row placed (whatever sensing_null_rank chose to protect)
            n = data.nulls.rows[j]
            if n.shape[0]:
                leaked = np.real(np.einsum("ri,ij,rj->r", n, r, n.conj()))  # n_r R n_r^H
                worst = max(worst, float(np.max(leaked / (np.sum(np.abs(n) ** 2, axis=1) * p))))
            continue
        for k in data.nulls.nulled_users[j]:
            h = ch.comm[j][k]
            worst = max(worst, float(np.real(np.vdot(h, r @ h))) / (np.vdot(h, h).real * p))
        for b in data.nulls.protected_bs[j]:
            g = ch.crosslink[b][j]
            worst = max(worst, float(np.real(np.trace(g @ r @ g.conj().T))) / (np.sum(np.abs(g) ** 2) * p))
    return worst


def _shortfall(floor: float, value: float) -> float:
    """Relative shortfall of ``value`` under ``floor``; a value never computed (NaN) is a violation, not 0."""
    return float("inf") if np.isnan(value) else max(0.0, (floor - value) / floor)


def relative_gap(objective: float | None, bound: float | None, db: bool = False) -> float | None:
    """``|objective - bound| / |bound|``; for an objective in dB, the same on the linear quantity
    (``10^(|difference| / 10) - 1``): a difference of 0.01 dB is the same 0.23 % at 0 dB as at 20 dB,
    where a ratio of dB values would call it infinite at 0 dB."""
    if objective is None or bound is None or not (np.isfinite(objective) and np.isfinite(bound)):
        return None
    if db:
        return float(10.0 ** (abs(objective - bound) / 10.0) - 1.0)
    return abs(objective - bound) / max(abs(bound), 1e-300)


def certificate(data: SnapshotData, design: TransmitDesign, ev: Evaluation, checks: Checks, *, rank_one: bool,
                extraction: str, objective: float | None, bound: float | None, tol: float = DEFAULT_TOL,
                extra: dict[str, float] | None = None, db: bool = False) -> Certificate:
    """``extra``: further relative violations a builder checks itself (CRLB limits, backhaul)."""
    viol = violations(data, design, ev, checks)
    viol.update(extra or {})
    worst_name, worst = max(viol.items(), key=lambda kv: kv[1], default=("none", 0.0))
    leak = null_leakage(data, design)
    gap = relative_gap(objective, bound, db)
    return Certificate(max_violation=float(worst), worst_constraint=worst_name if worst > 0 else "none",
                       rank_one=rank_one, extraction=extraction, relaxation_gap=gap, null_leakage=leak,
                       tolerance=tol, holds=bool(worst <= tol and leak <= LEAKAGE_TOL))

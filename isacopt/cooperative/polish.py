"""Feasible powers for fixed coherent beam directions (the repair after a non-tight extraction).

Eavesdroppers' caps are linear in the same variables and are rows of the same program.

Coherent joint transmission's relaxation is not always tight: the stacked beams keep every
user's useful power but can change the interference a little, leaving an SINR ~1e-5 short.
With one stacked direction u_k per user, the sensing covariances scaled by s_b in [0, 1],
everything is linear in (p, s):

    SINR_k >= Gamma_k  <=>  p_k a_kk - Gamma_k (sum_{j != k} a_kj p_j + sum_b s_b c_kb) >= Gamma_k
    sum_{k : b in C_k} p_k ||u_k[b]||^2 + s_b tr(R0_b) <= P_b

(a_kj = |h_{C_j,k}^H u_j|^2 / sigma^2, c_kb = iota_k h_bk^H R0_b h_bk / sigma^2). A linear
program (HiGHS) finds a point with a 1e-7 margin on every
constraint: the most total power for the CRLB objectives (Fisher information grows with every
covariance, data beams included), the least for the power and rate objectives.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from ..design import TransmitDesign

MARGIN = 1e-7  # HiGHS is exact to ~1e-9 here; the certificate allows 1e-6
# an eavesdropper's cap binds where the relaxation's optimum sits: along the extracted directions the caps and
# the SINR targets (with MARGIN) often meet only within the certificate's tolerance, so the caps get half of it
EVE_SLACK = 5e-7


def _coupling(data, assoc, design, directions=None):
    net = data.network
    dirs, powers = [], np.zeros(net.n_users)
    for k, cluster in enumerate(assoc.serving):
        w = np.concatenate([design.beams[b][:, k] for b in cluster])
        powers[k] = np.vdot(w, w).real
        if directions is not None:
            w = directions[k] * np.sqrt(powers[k]) / max(np.linalg.norm(directions[k]), 1e-300)
        dirs.append(w / np.sqrt(powers[k]) if powers[k] > 0 else w)
    a = np.zeros((net.n_users, net.n_users))
    for k in range(net.n_users):
        for j, cluster in enumerate(assoc.serving):
            h = np.concatenate([data.channels.comm[b][k] for b in cluster])
            a[k, j] = abs(np.vdot(h, dirs[j])) ** 2 / data.noise
    c = np.zeros((net.n_users, net.n_bs))
    for k, u in enumerate(net.users):
        if u.receiver != "type2":
            for b in range(net.n_bs):
                h = data.channels.comm[b][k]
                c[k, b] = np.vdot(h, design.sensing[b] @ h).real / data.noise
    share = np.zeros((net.n_bs, net.n_users))  # ||u_k[b]||^2
    nts = [b.tx_antennas for b in net.base_stations]
    for k, cluster in enumerate(assoc.serving):
        o = 0
        for b in cluster:
            share[b, k] = np.linalg.norm(dirs[k][o:o + nts[b]]) ** 2
            o += nts[b]
    return dirs, powers, a, c, share


def candidate_directions(blocks: list[np.ndarray], draws: int, seed: int = 0) -> list[list[np.ndarray]]:
    """Principal eigenvectors of the relaxation's W_k, then Gaussian draws xi_k ~ CN(0, W_k)."""
    rng = np.random.default_rng(seed)
    out = [[np.linalg.eigh(w)[1][:, -1] for w in blocks]]
    roots = []
    for w in blocks:
        vals, vecs = np.linalg.eigh(w)
        roots.append(vecs * np.sqrt(np.clip(vals, 0, None)))
    for _ in range(draws):
        out.append([r @ (rng.standard_normal(r.shape[1]) + 1j * rng.standard_normal(r.shape[1])) for r in roots])
    return out


def _segments(assoc, nts: list[int]):
    """Per user k, (BS b, slice of b's antennas in the stacked direction) over its cluster."""
    out = []
    for cluster in assoc.serving:
        o, parts = 0, []
        for b in cluster:
            parts.append((b, slice(o, o + nts[b])))
            o += nts[b]
        out.append(parts)
    return out


def eavesdropper_rows(data, assoc, design: TransmitDesign, dirs, powers, users: list[int]):
    """The eavesdroppers' caps in the LP's variables (p_users, s), to within EVE_SLACK: user k's data at
    eavesdropper e, ``p_k |g_{C_k,e}^H u_k|^2 <= gamma_e (sum_{j != k} p_j |g_{C_j,e}^H u_j|^2 + sum_b s_b
    g_{b,e}^H R0_b g_{b,e} + sigma^2)`` (the stacked copies add in amplitude there, as at the users), and the
    privacy caps ``sum_k p_k |a_{b,e}^H u_k[b]|^2 + s_b a_{b,e}^H R0_b a_{b,e} <= P_e``; (rows, right-hand sides)."""
    net, ch = data.network, data.channels
    nts = [b.tx_antennas for b in net.base_stations]
    segs = _segments(assoc, nts)
    n, nb = len(users), net.n_bs
    fixed = [k for k in range(net.n_users) if k not in users]
    rows, rhs = [], []
    for e, eve in enumerate(net.eavesdroppers):
        gamma = 10 ** (eve.max_sinr_db / 10) * (1 + EVE_SLACK)
        heard = np.array([abs(sum(np.vdot(ch.eve[b][e], dirs[k][sl]) for b, sl in segs[k])) ** 2
                          for k in range(net.n_users)]) / data.noise
        sense = np.array([np.vdot(ch.eve[b][e], design.sensing[b] @ ch.eve[b][e]).real for b in range(nb)]) / data.noise
        for k in range(net.n_users):
            row = np.zeros(n + nb)
            row[:n] = -gamma * heard[users]
            row[n:] = -gamma * sense
            own = heard[k] * powers[k]
            if k in users:
                row[users.index(k)] = heard[k]
                own = 0.0
            elif own == 0:
                continue
            rows.append(row)
            rhs.append(gamma * (1 + sum(heard[j] * powers[j] for j in fixed if j != k)) - own)
    for e in net.private_eavesdroppers:
        cap = net.eavesdroppers[e].max_beampattern_w * (1 + EVE_SLACK)
        for b in range(nb):
            a = ch.eve_steering[b][e]
            toward = np.zeros(net.n_users)
            for k in range(net.n_users):
                toward[k] = sum(abs(np.vdot(a, dirs[k][sl])) ** 2 for bb, sl in segs[k] if bb == b)
            row = np.zeros(n + nb)
            row[:n] = toward[users]
            row[n + b] = np.vdot(a, design.sensing[b] @ a).real
            rows.append(row)
            rhs.append(cap - sum(toward[j] * powers[j] for j in fixed))
    return rows, rhs


def repair_coherent(data, assoc, design: TransmitDesign, directions=None,
                    keep_power: bool = True) -> TransmitDesign | None:
    """Feasible powers along the design's stacked beams (or along ``directions``, one per user);
    None if no power allocation along them meets every SINR target within the budgets."""
    net = data.network
    targets = data.sinr_targets
    users = [k for k, g in enumerate(targets) if g is not None]
    dirs, powers, a, c, share = _coupling(data, assoc, design, directions)
    r0 = np.array([np.trace(s).real for s in design.sensing])
    budgets = np.array([b.power_w for b in net.base_stations])
    n, nb = net.n_users, net.n_bs
    fixed = [k for k in range(n) if k not in users]
    # variables x = (p_users, s); rows: SINR (as <=), budgets
    a_ub, b_ub = [], []
    for k in users:
        g = targets[k] * (1 + MARGIN)
        row = np.zeros(len(users) + nb)
        for i, j in enumerate(users):
            row[i] = -a[k, k] if j == k else g * a[k, j]
        row[len(users):] = g * c[k]
        a_ub.append(row)
        b_ub.append(-g * (1 + sum(a[k, j] * powers[j] for j in fixed)))
    for b in range(nb):
        row = np.zeros(len(users) + nb)
        row[:len(users)] = share[b, users]
        row[len(users) + b] = r0[b]
        a_ub.append(row)
        b_ub.append(budgets[b] * (1 - MARGIN) - sum(share[b, j] * powers[j] for j in fixed))
    rows, rhs = eavesdropper_rows(data, assoc, design, dirs, powers, users)
    a_ub += rows
    b_ub += rhs
    # more transmitted power only helps the Fisher information; the other objectives want less
    sign = -1.0 if keep_power else 1.0
    cost = sign * np.concatenate([share[:, users].sum(axis=0), r0])
    res = linprog(cost / max(budgets), A_ub=np.array(a_ub), b_ub=np.array(b_ub),
                  bounds=[(0, None)] * len(users) + [(0, 1)] * nb, method="highs")
    if res.status != 0:
        return None
    powers[users] = np.clip(res.x[:len(users)], 0, None)
    sensing = tuple(s * design.sensing[b] for b, s in enumerate(res.x[len(users):]))
    nts = [b.tx_antennas for b in net.base_stations]
    beams = [np.zeros((nt, n), complex) for nt in nts]
    for k, cluster in enumerate(assoc.serving):
        w, o = np.sqrt(powers[k]) * dirs[k], 0
        for b in cluster:
            beams[b][:, k] = w[o:o + nts[b]]
            o += nts[b]
    return TransmitDesign(tuple(beams), sensing)


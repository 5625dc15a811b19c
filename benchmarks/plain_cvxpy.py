"""The max-min beampattern SDP written the way a researcher writes it: complex Hermitian variables,
numbers baked in, every constraint spelled out, rebuilt for every snapshot. The reference for the
'ratio to a plain cvxpy script' benchmark (it must reach the same optimum).

The one concession to numerics: channels are divided by the noise amplitude (noise power 1). Without
it (``scaled=False``) Clarabel reports "optimal" for designs that miss SINR targets by several dB,
because its absolute tolerances (1e-8) exceed the received powers (~1e-10 W); docs/performance.md
shows an instance."""

from __future__ import annotations

import time
import warnings

import cvxpy as cp
import numpy as np

from isacopt.association import Association
from isacopt.channels import derive_channels


def solve_plain(net, scaled: bool = True) -> dict:
    t0 = time.perf_counter()
    ch = derive_channels(net)
    assoc = Association.nearest(net)
    heads = [c[0] for c in assoc.serving]
    sigma2 = 1.0 if scaled else ch.noise_w
    unit = 1.0 / np.sqrt(ch.noise_w) if scaled else 1.0
    comm = [h * unit for h in ch.comm]
    W = [cp.Variable((net.base_stations[heads[k]].tx_antennas,) * 2, hermitian=True) for k in range(net.n_users)]
    R0 = [cp.Variable((b.tx_antennas,) * 2, hermitian=True) for b in net.base_stations]
    R = [sum((W[k] for k in range(net.n_users) if heads[k] == b), R0[b]) for b in range(net.n_bs)]
    t = cp.Variable()
    cons = [x >> 0 for x in W + R0]
    for b, bs in enumerate(net.base_stations):
        cons.append(cp.real(cp.trace(R[b])) <= bs.power_w)
    for k, u in enumerate(net.users):
        gamma = 10 ** (u.sinr_db / 10)
        h = comm[heads[k]][k]
        signal = cp.real(h.conj() @ W[k] @ h)
        interference = sum(cp.real(comm[b][k].conj() @ R[b] @ comm[b][k]) for b in range(net.n_bs)) - signal
        cons.append(signal >= gamma * (interference + sigma2))
    for i, c in enumerate(assoc.sensing):
        a = ch.tx_steering[c[0]][i]
        cons.append(cp.real(a.conj() @ R[c[0]] @ a) >= t)
    prob = cp.Problem(cp.Maximize(t), cons)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prob.solve(solver="CLARABEL")
    wall = time.perf_counter() - t0
    worst_db = None
    if prob.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):  # SINR shortfall of the SDP's own matrices, in dB
        short = []
        for k, u in enumerate(net.users):
            h = ch.comm[heads[k]][k]
            s = np.real(h.conj() @ W[k].value @ h)
            tot = sum(np.real(ch.comm[b][k].conj() @ R[b].value @ ch.comm[b][k]) for b in range(net.n_bs))
            short.append(u.sinr_db - 10 * np.log10(s / (tot - s + ch.noise_w)))
        worst_db = float(max(short))
    return {"status": prob.status, "objective": float(prob.value) if prob.value is not None else None,
            "worst_sinr_shortfall_db": worst_db, "wall_s": wall, "solver_s": float(prob.solver_stats.solve_time or 0.0),
            "compile_s": float(getattr(prob, "compilation_time", 0.0) or 0.0)}

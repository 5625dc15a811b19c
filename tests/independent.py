"""Independent recomputations for tests: SINR, power and position CRLB of a returned design from the
channels and the geometry with plain numpy, following SPEC.md sections 1, 4 and 5.4 directly (not the
library's metric functions), so that a test of a Solution can fail when a formula or a certificate is wrong."""

from __future__ import annotations

import numpy as np

C = 299_792_458.0


def _noise_w(net) -> float:
    return 10 ** ((net.system.noise_dbm - 30) / 10)


def recheck_comm(net, sol, *, joint: str = "coherent", receiver: str | None = None, tol_db: float = 1e-5,
                 targets: bool = True) -> None:
    """Every user's SINR (SPEC 4) from ``sol.design`` equals the reported one and (``targets``) meets its
    target; every BS's power tr(W W^H + R0) equals the reported one and fits its budget. ``targets=False``
    where the targets are not constraints (the weighted objective's normalisers)."""
    from isacopt.channels import derive_channels

    ch, d = derive_channels(net), sol.design
    ids = [b.id for b in net.base_stations]
    for k, (u, res) in enumerate(zip(net.users, sol.users)):
        h = [ch.comm[b][k] for b in range(net.n_bs)]
        amp = np.array([sum(np.vdot(h[b], d.beams[b][:, j]) for b in range(net.n_bs)) for j in range(net.n_users)])
        if joint == "coherent":  # SPEC 4: the copies of a stream add as amplitudes
            power = np.abs(amp) ** 2
        else:  # non-coherent CoMP: each BS's copy arrives with its own phase, so powers add (own and other
            # streams alike, as isacopt.metrics.comm documents; SPEC 4 states the numerator)
            power = np.array([sum(abs(np.vdot(h[b], d.beams[b][:, j])) ** 2 for b in range(net.n_bs))
                              for j in range(net.n_users)])
        signal = power[k]
        iota = 0.0 if (receiver or u.receiver) == "type2" else 1.0
        sensing = sum(np.real(np.vdot(h[b], d.sensing[b] @ h[b])) for b in range(net.n_bs))
        interference = power.sum() - power[k] + iota * sensing + _noise_w(net)
        if signal <= 0:
            assert res.sinr_db == float("-inf") or not res.serving_bs
            continue
        sinr_db = 10 * np.log10(signal / interference)
        assert abs(sinr_db - res.sinr_db) <= 1e-6 * max(1.0, abs(sinr_db)), (u.id, sinr_db, res.sinr_db)
        if targets and res.sinr_target_db is not None:
            assert sinr_db >= res.sinr_target_db - tol_db, (u.id, sinr_db, res.sinr_target_db)
    for b, (bs, res) in enumerate(zip(net.base_stations, sol.base_stations)):
        power = float(np.real(np.trace(d.beams[b] @ d.beams[b].conj().T + d.sensing[b])))
        assert abs(power - res.power_w) <= 1e-9 * max(1.0, power)
        assert power <= bs.power_w * (1 + 1e-6), (bs.id, power, bs.power_w)


def _steer(n: int, phi: float, psi_deg: float) -> np.ndarray:
    return np.exp(1j * np.pi * np.arange(n) * np.cos(phi - np.radians(psi_deg)))


def _beta(net, d: float) -> float:
    s = net.system
    lam = C / s.carrier_hz
    beta0 = 10 ** (s.ref_gain_db / 10) if s.ref_gain_db is not None else (lam / (4 * np.pi)) ** 2
    return beta0 * max(d, s.min_distance_m) ** (-s.pathloss_exponent)


def root_crlb(net, design, target: int, cluster: list[int], pairs: str, waveform: str = "orthogonal") -> float:
    """Root position CRLB (SPEC 5.4, time of arrival) of ``target`` sensed by the BS indices ``cluster``;
    ``orthogonal`` waveforms: a cross pair (i != j) sees only BS i's sensing covariance (SPEC 11)."""
    s = net.system
    lam = C / s.carrier_hz
    beta_rms = s.rms_bandwidth_hz if s.rms_bandwidth_hz is not None else s.bandwidth_hz / np.sqrt(12)
    t = net.targets[target]
    p = np.array(t.position_m, dtype=float)
    j_fim = np.zeros((2, 2))
    for i in cluster:
        bi = net.base_stations[i]
        si = np.array(bi.position_m, dtype=float)
        di = np.linalg.norm(p - si)
        a = _steer(bi.tx_antennas, float(np.arctan2(*(p - si)[::-1])), bi.orientation_deg)
        r = design.beams[i] @ design.beams[i].conj().T + design.sensing[i]
        gain_all = float(np.real(np.vdot(a, r @ a)))
        gain_sensing = float(np.real(np.vdot(a, design.sensing[i] @ a)))
        for j in cluster if pairs == "multistatic" else [i]:
            gain = gain_all if (i == j or waveform == "unified") else gain_sensing
            bj = net.base_stations[j]
            sj = np.array(bj.position_m, dtype=float)
            dj = np.linalg.norm(p - sj)
            g_radar = t.rcs_m2 * 4 * np.pi / lam**2 * _beta(net, di) * _beta(net, dj)
            snr = s.samples * bj.rx_antennas * g_radar * gain / _noise_w(net)
            u = (p - si) / di + (p - sj) / dj
            j_fim += 8 * np.pi**2 * beta_rms**2 / C**2 * snr * np.outer(u, u)
    if np.linalg.matrix_rank(j_fim, tol=1e-12 * max(np.abs(j_fim).max(), 1e-300)) < 2:
        return float("inf")
    return float(np.sqrt(np.trace(np.linalg.inv(j_fim))))


def recheck_crlb(net, sol, pairs: str, rel: float = 1e-6, waveform: str = "orthogonal") -> None:
    """Every target's reported root CRLB equals the one recomputed from its sensing cluster and the design."""
    ids = [b.id for b in net.base_stations]
    for t, res in enumerate(sol.targets):
        mine = root_crlb(net, sol.design, t, [ids.index(b) for b in res.sensing_bs], pairs, waveform)
        if not np.isfinite(mine):
            assert res.root_crlb_m == float("inf"), (res.id, res.root_crlb_m)
        else:
            assert abs(mine - res.root_crlb_m) <= rel * mine, (res.id, mine, res.root_crlb_m)

"""A plain numpy evaluation of a closed-form MRT snapshot, written from SPEC.md alone: the reference that
`benchmarks/network_eval.py` times isacopt against (and that `tests/benchmarks` checks it with).

It shares nothing with isacopt but the node positions and the seeding rule of the random streams
(numpy's PCG64 seeded by ``SeedSequence([seed, stream, ...])``, SPEC.md section 2: users' channels on
stream 10 per BS, Rician phases on 11, Rayleigh cross-links on (20, b, j)). The design is the
closed form of SPEC.md section 9 for ``precoder: mrt, sensing: isotropic``: every user is associated
with its nearest BS, which keeps its ``users_per_bs`` nearest; a BS with users puts ``comm_fraction``
of its budget on unit-norm MRT beams in equal shares and spreads the rest evenly over the directions
its users do not see; a BS without users spreads its whole budget. Metrics: every user's SINR and
every target's beampattern gain and monostatic sensing SINR at its nearest BS.
"""

from __future__ import annotations

import math

import numpy as np

_COMM, _PHASE, _CROSS = 10, 11, 20


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


def _cn(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2.0)


def _ula(n: int, phi: np.ndarray) -> np.ndarray:
    return np.exp(1j * math.pi * np.arange(n) * np.cos(phi)[..., None])


def evaluate_mrt_isotropic(bs_xy: np.ndarray, user_xy: np.ndarray, target_xy: np.ndarray, *, nt: int, nr: int,
                           power_w: float, noise_w: float, samples: int, wavelength_m: float, beta0: float,
                           alpha: float, d_min: float, rcs_m2: float, channel: dict, users_per_bs: int | None,
                           comm_fraction: float = 0.5) -> dict[str, np.ndarray]:
    """User SINRs (K,), and per target the head BS, beampattern gain [W] and sensing SINR (T,), linear."""
    B, K = len(bs_xy), len(user_xy)

    def beta(d):
        return beta0 * np.maximum(d, d_min) ** (-alpha)

    # users' channels h[b, k] (B, K, Nt)
    du = user_xy[None, :, :] - bs_xy[:, None, :]
    dist = np.hypot(du[..., 0], du[..., 1])
    los = _ula(nt, np.arctan2(du[..., 1], du[..., 0]))
    seed = channel["seed"]
    h = np.empty((B, K, nt), complex)
    for b in range(B):
        amp = np.sqrt(beta(dist[b]))[:, None]
        if channel["model"] == "rayleigh":
            h[b] = amp * _cn(_rng(seed, _COMM, b), (K, nt))
        else:  # rician
            kf = channel["k_factor"]
            theta = _rng(seed, _PHASE, b).uniform(0, 2 * np.pi, size=(K, 1))
            nlos = _cn(_rng(seed, _COMM, b), (K, nt))
            h[b] = amp * (math.sqrt(kf / (1 + kf)) * los[b] * np.exp(1j * theta) + math.sqrt(1 / (1 + kf)) * nlos)
    # association: nearest BS; each keeps its users_per_bs nearest
    head = np.argmin(dist, axis=0)
    served = np.zeros(K, bool)
    for b in range(B):
        mine = np.flatnonzero(head == b)
        mine = mine[np.argsort(dist[b, mine], kind="stable")][:users_per_bs]
        served[mine] = True
    # the design: W[b] (Nt, K), R0[b] (Nt, Nt)
    W = np.zeros((B, nt, K), complex)
    R0 = np.zeros((B, nt, nt), complex)
    for b in range(B):
        users = np.flatnonzero(served & (head == b))
        if len(users) == 0:
            R0[b] = power_w / nt * np.eye(nt)
            continue
        hb = h[b, users].T  # (Nt, K_b): MRT directions
        W[b][:, users] = hb / np.linalg.norm(hb, axis=0) * math.sqrt(comm_fraction * power_w / len(users))
        u, s, _ = np.linalg.svd(hb, full_matrices=True)
        free = u[:, int(np.sum(s > 1e-9 * s.max())):]  # directions none of its users sees
        if free.shape[1]:
            R0[b] = (1 - comm_fraction) * power_w / free.shape[1] * free @ free.conj().T
    # user SINR: coherent sum over BSs of every stream, the sensing signals as interference
    amp = np.einsum("bki,bij->kj", h.conj(), W)  # (K, K): amplitude at user k of stream j
    p = np.abs(amp) ** 2
    sense = np.real(np.einsum("bki,bij,bkj->k", h.conj(), R0, h))
    signal = np.diag(p)
    sinr = signal / (p.sum(axis=1) - signal + sense + noise_w)
    # targets: beampattern and monostatic sensing SINR at the nearest BS
    R = np.einsum("bik,bjk->bij", W, W.conj()) + R0
    dt = target_xy[None, :, :] - bs_xy[:, None, :]
    tdist = np.hypot(dt[..., 0], dt[..., 1])
    tphi = np.arctan2(dt[..., 1], dt[..., 0])
    thead = np.argmin(tdist, axis=0)
    T = len(target_xy)
    cols = np.arange(T)
    a = _ula(nt, tphi[thead, cols])  # (T, Nt) toward each target from its head
    gain = np.real(np.einsum("ti,tij,tj->t", a.conj(), R[thead], a))
    u = _ula(nr, tphi[thead, cols]) / math.sqrt(nr)  # (T, Nr) matched receive beams
    dbb = bs_xy[:, None, :] - bs_xy[None, :, :]  # (B, B): from j to b is dbb[b, j]
    g_amp = np.sqrt(beta(np.hypot(dbb[..., 0], dbb[..., 1])))
    if channel.get("crosslink", "los") == "rayleigh":  # each link its own stream: drawn link by link
        interference = np.zeros(T)
        for t, b in enumerate(thead):
            for j in range(B):
                if j != b:
                    v = u[t].conj() @ (g_amp[b, j] * _cn(_rng(seed, _CROSS, b, j), (nr, nt)))
                    interference[t] += np.real(v @ R[j] @ v.conj())
    else:  # line of sight: G_{b<-j} = g a_r(phi_bj) a_t(phi_jb)^H, so u^H G R_j G^H u = g^2 |u^H a_r|^2 a_t^H R_j a_t
        a_t = _ula(nt, np.arctan2(dbb[..., 1], dbb[..., 0]))  # (B, B, Nt): a_t[b, j] from j toward b
        leak = g_amp**2 * np.real(np.einsum("bji,jik,bjk->bj", a_t.conj(), R, a_t))  # (B, B)
        a_r = _ula(nr, np.arctan2(-dbb[..., 1], -dbb[..., 0]))  # (B, B, Nr): a_r[b, j] at b toward j
        seen = np.abs(np.einsum("tn,tjn->tj", u.conj(), a_r[thead])) ** 2  # (T, B)
        seen[cols, thead] = 0.0
        interference = np.sum(seen * leak[thead], axis=1)
    radar = rcs_m2 * 4 * math.pi / wavelength_m**2 * beta(tdist[thead, cols]) ** 2
    ssinr = samples * nr * radar * gain / (interference + noise_w)
    return {"sinr": sinr, "target_head": thead, "beampattern": gain, "sensing_sinr": ssinr}


def evaluate_network(network, design) -> dict[str, np.ndarray]:
    """:func:`evaluate_mrt_isotropic` of an isacopt Network and a ``BaselineDesign(precoder='mrt',
    sensing='isotropic')`` (positions and settings read off them; nothing else of isacopt is used)."""
    s, bs0, ch = network.system, network.base_stations[0], network.channels
    return evaluate_mrt_isotropic(
        network.bs_positions, network.user_positions, network.target_positions, nt=bs0.tx_antennas,
        nr=bs0.rx_antennas, power_w=bs0.power_w, noise_w=s.noise_w, samples=s.samples,
        wavelength_m=s.wavelength_m, beta0=(s.wavelength_m / (4 * math.pi)) ** 2 if s.ref_gain_db is None
        else 10 ** (s.ref_gain_db / 10), alpha=s.pathloss_exponent, d_min=s.min_distance_m,
        rcs_m2=network.targets[0].rcs_m2 if network.targets else 1.0, channel=ch.model_dump(),
        users_per_bs=design.users_per_bs, comm_fraction=design.comm_fraction)

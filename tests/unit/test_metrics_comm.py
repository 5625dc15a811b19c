"""SINR and rate against a brute-force Monte Carlo of the received signal."""

import numpy as np
import pytest

from isacopt.channels import derive_channels
from isacopt.metrics import rate, sinr
from tests.helpers import random_design, two_cell_network

N_SAMPLES = 200_000


def _cn(rng, shape):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)


def monte_carlo_sinr(net, ch, design, rng, joint):
    """Average |.|^2 of the desired part and of everything else in y_k over random symbols."""
    K = net.n_users
    s = _cn(rng, (K, N_SAMPLES))  # unit-power data symbols
    desired = np.zeros((K, N_SAMPLES), complex)
    other = np.zeros((K, N_SAMPLES), complex)
    sensing_rx = np.zeros((K, N_SAMPLES), complex)
    for b in range(net.n_bs):
        h, w, r0 = ch.comm[b], design.beams[b], design.sensing[b]
        evals, evecs = np.linalg.eigh(r0)
        s0 = (evecs * np.sqrt(np.clip(evals, 0, None))) @ _cn(rng, (len(evals), N_SAMPLES))  # ~ CN(0, R0)
        for j in range(K):
            phase = np.exp(2j * np.pi * rng.random(N_SAMPLES)) if joint == "non_coherent" else 1.0
            contrib = (h.conj() @ w[:, j])[:, None] * (phase * s[j])[None, :]  # (K, N) to every user
            desired[j] += contrib[j]
            mask = np.arange(K) != j
            other[mask] += contrib[mask]
        sensing_rx += h.conj() @ s0
    noise = np.sqrt(ch.noise_w) * _cn(rng, (K, N_SAMPLES))
    type1 = np.array([u.receiver == "type1" for u in net.users])[:, None]
    interference = other + np.where(type1, sensing_rx, 0) + noise  # type2 subtracts the known sensing signal
    return np.mean(np.abs(desired) ** 2, axis=1) / np.mean(np.abs(interference) ** 2, axis=1)


@pytest.mark.parametrize("joint", ["coherent", "non_coherent"])
def test_sinr_matches_monte_carlo(joint, rng):
    net = two_cell_network(channels={"model": "rayleigh", "seed": 2})
    ch = derive_channels(net)
    # scale the design so that signal, interference and noise are all of the same order
    design = random_design(net, rng, scale=np.sqrt(ch.noise_w / np.mean([np.mean(np.abs(h) ** 2) for h in ch.comm])))
    expected = monte_carlo_sinr(net, ch, design, rng, joint)
    assert np.allclose(sinr(net, ch, design, joint), expected, rtol=0.03)


def test_type2_receiver_ignores_sensing_signal(rng):
    net = two_cell_network()
    ch = derive_channels(net)
    design = random_design(net, rng)
    louder = type(design)(design.beams, tuple(10 * r for r in design.sensing))
    a, b = sinr(net, ch, design), sinr(net, ch, louder)
    assert a[1] == pytest.approx(b[1])  # u1 is type2
    assert np.all(b[[0, 2, 3]] < a[[0, 2, 3]])


def test_single_user_noise_limited_closed_form():
    """One user, MRT with power P: SINR = P ||h||^2 / sigma^2."""
    net = two_cell_network().with_updates(users=[{"id": "u", "position_m": (30, 40)}], targets=[])
    ch = derive_channels(net)
    h = ch.comm[0][0]
    w0 = np.sqrt(0.7) * h / np.linalg.norm(h)
    from isacopt.design import TransmitDesign

    design = TransmitDesign.from_arrays(net, [w0[:, None], np.zeros((4, 1))])
    assert sinr(net, ch, design)[0] == pytest.approx(0.7 * np.vdot(h, h).real / ch.noise_w)


def test_rate_is_log2_one_plus_sinr():
    assert np.allclose(rate(np.array([0.0, 1.0, 3.0, 1023.0])), [0.0, 1.0, 2.0, 10.0])


@pytest.mark.parametrize("joint", ["coherent", "non_coherent"])
def test_one_bs_per_stream_sinr_is_the_stream_power_formula(joint, rng, monkeypatch):
    # without CoMP every user's data comes from one BS: isacopt then sums h^H (W_b W_b^H) h instead of forming
    # the K x K stream powers; both must be the SPEC formula, written out here user by user
    import isacopt.metrics.comm as comm
    from isacopt.design import TransmitDesign

    net = two_cell_network(channels={"model": "rayleigh", "seed": 3})
    ch = derive_channels(net)
    full = random_design(net, rng, scale=np.sqrt(ch.noise_w / np.mean([np.mean(np.abs(h) ** 2) for h in ch.comm])))
    owner = [0, 1, -1, 1]  # u2 unserved
    beams = [np.where(np.array(owner)[None, :] == b, w, 0) for b, w in enumerate(full.beams)]
    design = TransmitDesign.from_arrays(net, beams, full.sensing)
    assert design.stream_bs.tolist() == owner
    want = []
    for k, u in enumerate(net.users):
        amp = [sum(ch.comm[b][k].conj() @ design.beams[b][:, j] for b in range(net.n_bs)) for j in range(net.n_users)]
        data = [abs(a) ** 2 for a in amp]
        sensing = sum((ch.comm[b][k].conj() @ design.sensing[b] @ ch.comm[b][k]).real for b in range(net.n_bs))
        want.append(data[k] / (sum(data) - data[k] + (sensing if u.receiver == "type1" else 0) + ch.noise_w))
    assert comm._one_bs_per_stream(ch, design) is not None
    got = sinr(net, ch, design, joint)
    assert np.allclose(got, want, rtol=1e-12, atol=0)
    assert got[2] == 0.0
    monkeypatch.setattr(comm, "_one_bs_per_stream", lambda *args: None)  # the K x K stream powers instead
    assert np.allclose(sinr(net, ch, TransmitDesign(design.beams, design.sensing), joint), want, rtol=1e-12, atol=0)

def test_comp_streams_take_the_stream_power_path(rng):
    net = two_cell_network(channels={"model": "rayleigh", "seed": 3})
    design = random_design(net, rng)  # every BS beams every user: CoMP
    assert design.stream_bs is None
    from isacopt.metrics.comm import _one_bs_per_stream
    assert _one_bs_per_stream(derive_channels(net), design) is None


@pytest.mark.parametrize("noise_dbm", [-90.0, -160.0, -250.0])
def test_a_high_sinr_over_a_low_noise_floor_keeps_its_digits(noise_dbm):
    # one user alone at its BS: no interference at all, so the SINR is |h^H w|^2 / sigma^2 however low sigma^2 is
    # (a received power written as a difference of two sums lost it: 1e-4 of the value at -250 dBm)
    import warnings

    from isacopt.design import TransmitDesign

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # -250 dBm is implausible on purpose
        net = two_cell_network(channels={"model": "rayleigh", "seed": 3}, noise_dbm=noise_dbm)
    ch = derive_channels(net)
    h = ch.comm[0][0]
    beams = [np.zeros((4, net.n_users), complex), np.zeros((4, net.n_users), complex)]
    beams[0][:, 0] = np.sqrt(0.5) * h / np.linalg.norm(h)  # MRT to u0 only
    design = TransmitDesign.from_arrays(net, beams)
    got = sinr(net, ch, design)
    assert got[0] == pytest.approx(0.5 * np.vdot(h, h).real / ch.noise_w, rel=1e-12)
    assert np.all(got[1:] == 0.0)

"""The stochastic-geometry integrals against a direct simulation of the same random model, and the loads."""

import math

import numpy as np
import pytest
from scipy import stats

from isacopt.allocation import geometry as G
from isacopt.allocation import load_allocation

SMALL = "tests/allocation/small.yaml"


def _model(values, nt=8):
    spec = load_allocation(SMALL)
    return G.model_of(spec, spec.problem_at(values), nt)


def _square_ppp(rng, m, n_exp):
    n = rng.poisson(m.bs_density * (2 * m.region_half) ** 2)
    return rng.uniform(-m.region_half, m.region_half, size=(n, 2))


def _observer(rng, m):
    return rng.uniform(-m.window_half, m.window_half, size=2)


def test_mean_rate_integral_equals_a_direct_simulation_of_its_model():
    # K = 2, L = 2: the served user is the 1st or 2nd nearest of a PPP of users, the BS nearest to it serves
    # it with a Gamma(Nt - D) gain, the user's 2nd nearest BS is nulled, the others (in the square) interfere
    m = _model({"users_per_bs": 2, "targets_per_bs": 1, "comm_cluster": 2, "sensing_cluster": 1})
    rng = np.random.default_rng(1)
    dof = m.nt - m.nulls - (m.k - 1)
    data, sense = m.shares
    vals = []
    for _ in range(6000):
        y = _observer(rng, m)
        mth = rng.integers(1, 3)  # both loads of a cell of 20 users on average: equally likely
        r = math.sqrt(rng.gamma(mth) / (math.pi * m.user_density))
        bs = _square_ppp(rng, m, 0)
        d = np.linalg.norm(bs - y, axis=1)
        d = np.sort(d[d > r])[1:]  # the nearest of them beyond r is the nulled second BS
        gain = data * m.power_w / m.k * rng.gamma(m.k, size=len(d)) + sense * m.power_w / m.m * rng.gamma(m.m, size=len(d))
        interference = float(np.sum(m.beta(d) * gain))
        signal = data * m.power_w / m.k * m.beta(np.array([r]))[0] * rng.gamma(dof)
        vals.append(math.log2(1 + signal / (interference + m.noise_w)))
    direct, half = np.mean(vals), 1.96 * np.std(vals) / math.sqrt(len(vals))
    assert G.mean_rate(m) == pytest.approx(direct, abs=half + 0.02 * direct)


def test_mean_radar_rate_integral_equals_a_direct_simulation_of_its_model():
    m = _model({"users_per_bs": 1, "targets_per_bs": 2, "comm_cluster": 1, "sensing_cluster": 2})
    rng = np.random.default_rng(2)
    data, sense = m.shares
    n_s = m.nt - m.nulls - m.k
    const = m.samples * m.nr * m.rcs_m2 * 4 * math.pi / m.wavelength_m ** 2
    vals = []
    for _ in range(6000):
        y = _observer(rng, m)  # the sensing BS
        mth = rng.integers(1, 3)
        d = math.sqrt(rng.gamma(mth) / (math.pi * m.target_density))
        bs = _square_ppp(rng, m, 0)
        dist = np.sort(np.linalg.norm(bs - y, axis=1))[1:]  # the nearest other BS protects the receiver
        gain = data * m.power_w / m.k * rng.gamma(m.k, size=len(dist)) + sense * m.power_w / m.m * rng.gamma(m.m, size=len(dist))
        interference = float(np.sum(m.beta(dist) * gain))
        p_beam = sense * m.power_w / m.m
        g = p_beam * (m.nt * rng.beta(n_s, m.nt - n_s) + rng.exponential()) + data * m.power_w * rng.exponential()
        signal = const * m.beta(np.array([d]))[0] ** 2 * g
        vals.append(math.log2(1 + signal / (interference + m.noise_w)))
    direct, half = np.mean(vals), 1.96 * np.std(vals) / math.sqrt(len(vals))
    assert G.mean_radar_rate(m) == pytest.approx(direct, abs=half + 0.02 * direct)


def test_load_of_a_cell_is_a_negative_binomial_and_its_mean_is_right():
    served, at_least = G.mean_load(4, 20e-6, 1e-6)
    assert at_least[0] == pytest.approx(1 - stats.nbinom(3.5, 3.5 / 23.5).pmf(0))
    assert served == pytest.approx(sum(min(4, n) * stats.nbinom(3.5, 3.5 / 23.5).pmf(n) for n in range(400)), rel=1e-9)
    # a Poisson-Voronoi cell holds on average lambda_u / lambda_b nodes
    assert stats.nbinom(3.5, 3.5 / 23.5).mean() == pytest.approx(20.0)
    assert G.mean_load(0, 20e-6, 1e-6)[0] == 0.0


def test_beta_laplace_matches_the_beta_law():
    s = np.array([0.0, 0.1, 1.0, 5.0])
    n, nt = 3, 8
    ref = [stats.beta(n, nt - n).expect(lambda b, s=v: math.exp(-s * nt * b)) for v in s]
    assert np.allclose(G._beta_laplace(s, n, nt), ref, rtol=1e-6)


def test_the_shared_interference_field_does_not_depend_on_which_tuples_came_before():
    """The field is kept across tuples that differ only in what it does not depend on (L, Q, densities of the
    measured nodes): every rate, computed after any other tuple, is the rate computed from a cleared cache."""
    tuples = [dict(users_per_bs=k, targets_per_bs=m, comm_cluster=l, sensing_cluster=q)
              for k, m, l, q in [(2, 1, 1, 1), (2, 1, 2, 2), (1, 2, 1, 2), (2, 1, 1, 1), (3, 0, 2, 1), (0, 2, 1, 2)]]
    models = [_model(v) for v in tuples] + [_model(tuples[1], nt=16)]

    def rates(m):
        return G.mean_rate(m), G.mean_radar_rate(m)

    alone = []
    for m in models:
        G._shared_field.cache_clear()
        alone.append(rates(m))
    G._shared_field.cache_clear()
    in_turn = [rates(m) for m in models + models[::-1]]
    assert np.array_equal(in_turn, alone + alone[::-1], equal_nan=True)  # bit for bit; nan: no users/targets
    assert all(not math.isnan(x) for pair in alone[:3] for x in pair)

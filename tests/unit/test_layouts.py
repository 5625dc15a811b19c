"""Layouts: hexagonal geometry, PPP statistics, reproducibility."""

import numpy as np
import pytest

import isacopt as iso
from isacopt.network.layouts import PoissonLayout, hex_grid, rng_for


@pytest.mark.parametrize("rings,count", [(0, 1), (1, 7), (2, 19), (3, 37)])
def test_hex_grid_counts_and_spacing(rings, count):
    sites = hex_grid(rings, 500.0)
    assert len(sites) == count
    assert len({tuple(np.round(s, 6)) for s in sites}) == count
    d = np.linalg.norm(sites[:, None] - sites[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    assert count == 1 or np.allclose(d.min(axis=1), 500.0)  # every site's nearest neighbour is one ISD away


def test_hexagonal_users_in_their_cell():
    net = iso.Network.hexagonal(rings=1, isd_m=400, users_per_cell=5, targets_per_cell=2, seed=3)
    assert (net.n_bs, net.n_users, net.n_targets) == (7, 35, 14)
    # users of cell c are generated in c's hexagon: their nearest BS is c (ties on edges have measure zero)
    d = np.linalg.norm(net.user_positions[:, None] - net.bs_positions[None], axis=-1)
    assert np.array_equal(d.argmin(axis=1), np.repeat(np.arange(7), 5))
    assert d.min() >= net.system.min_distance_m


def test_same_seed_same_snapshot_different_seed_different():
    a = iso.Network.poisson(seed=11)
    b = iso.Network.poisson(seed=11)
    c = iso.Network.poisson(seed=12)
    assert a == b
    assert a != c


def test_ppp_pinned_values():
    """PCG64 streams are stable across machines and numpy versions: pin one snapshot."""
    net = iso.Network.poisson(seed=7, window_m=2000, guard_m=500, bs_per_km2=1, users_per_km2=20, targets_per_km2=20)
    assert (net.n_bs, net.n_users, net.n_targets) == (7, 88, 74)
    assert np.allclose(net.base_stations[0].position_m, (891.2, -96.2), atol=0.05)


def test_ppp_counts_follow_poisson_law():
    """BS counts over 400 seeds: mean and variance of a Poisson law of mean density * area."""
    layout = dict(window_m=1000, guard_m=250, bs_per_km2=4, users_per_km2=10, targets_per_km2=0)
    bs_counts = np.array([len(PoissonLayout(seed=s, **layout)._ppp(rng_for(s, 0), 4, 750)) for s in range(400)])
    mean = 4 * 1.5**2  # 9 per draw
    assert abs(bs_counts.mean() - mean) < 4 * np.sqrt(mean / 400)
    assert 0.75 < bs_counts.var(ddof=1) / mean < 1.25  # dispersion index of a Poisson law is 1
    users = np.array([iso.Network.poisson(seed=s, **layout).n_users for s in range(200)])
    assert abs(users.mean() - 10) < 4 * np.sqrt(10 / 200)


def test_ppp_guard_band_and_window():
    net = iso.Network.poisson(seed=5, window_m=1000, guard_m=500, bs_per_km2=5, users_per_km2=30, targets_per_km2=30)
    half = 500
    assert np.all(np.abs(net.user_positions) <= half) and np.all(np.abs(net.target_positions) <= half)
    assert np.all(np.abs(net.bs_positions) <= half + 500)
    assert np.any(np.abs(net.bs_positions).max(axis=1) > half)  # some BSs are in the guard band
    assert net.window.area_km2 == pytest.approx(1.0)


def test_layout_rejects_bad_density():
    with pytest.raises(iso.ValidationError, match="bs_per_km2"):
        iso.Network.poisson(bs_per_km2=-1)


def test_rng_for_is_pcg64_seeded_by_the_seed_sequence_of_its_keys():
    """The stream layout every stored snapshot depends on (SPEC.md section 2), whatever builds the generator."""
    for keys in [(0,), (7, 10, 3), (2**63 - 1, 20, 250, 3), (12345, 11, 0)]:
        explicit = np.random.Generator(np.random.PCG64(np.random.SeedSequence(list(keys))))
        assert np.array_equal(rng_for(*keys).standard_normal(64), explicit.standard_normal(64))
        assert type(rng_for(*keys).bit_generator) is np.random.PCG64

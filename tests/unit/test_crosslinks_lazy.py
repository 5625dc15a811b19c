"""Cross-links made on first read (isacopt.channels.crosslink) and sensing metrics computed only at the
(receiver, target) pairs asked for: checked against the literal formulas, written out here."""

from __future__ import annotations

import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import derive_channels, path_gain, steering
from isacopt.channels.arrays import azimuth
from isacopt.channels.crosslink import CrossLinks, stacked_row
from isacopt.metrics import sensing_sinr
from isacopt.metrics.sensing import at_heads, sensing_interference_at, sensing_sinr_at
from isacopt.network.layouts import PoissonLayout, rng_for
from tests.helpers import random_design, small_multicell, with_tx_antennas


def _literal_los(net: iso.Network, b: int, j: int) -> np.ndarray:
    rx, tx = net.base_stations[b], net.base_stations[j]
    d = np.hypot(*np.subtract(rx.position_m, tx.position_m))
    a_r = steering(rx.rx_antennas, azimuth(rx.position_m, tx.position_m), np.deg2rad(rx.orientation_deg))
    a_t = steering(tx.tx_antennas, azimuth(tx.position_m, rx.position_m), np.deg2rad(tx.orientation_deg))
    return np.sqrt(path_gain(d, net.system)) * np.outer(a_r, a_t.conj())


def _literal_rayleigh(net: iso.Network, b: int, j: int) -> np.ndarray:
    rx, tx = net.base_stations[b], net.base_stations[j]
    d = np.hypot(*np.subtract(rx.position_m, tx.position_m))
    rng = rng_for(net.channels.seed, 20, b, j)
    shape = (rx.rx_antennas, tx.tx_antennas)
    cn = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)
    return np.sqrt(path_gain(d, net.system)) * cn


def _rotated(net: iso.Network) -> iso.Network:
    """The same network with BS orientations that differ (the LoS row must use each BS's own)."""
    data = net.model_dump()
    for b, bs in enumerate(data["base_stations"]):
        bs["orientation_deg"] = 17.0 * b - 20.0
    return iso.Network.model_validate(data)


@pytest.mark.parametrize("channels,literal", [({"model": "los"}, _literal_los),
                                              ({"model": "rayleigh", "seed": 7}, _literal_rayleigh)])
def test_every_link_is_the_literal_formula(channels, literal):
    net = _rotated(small_multicell(3, n_bs=4, channels=channels))
    g = derive_channels(net).crosslink
    assert isinstance(g, CrossLinks)
    for b in range(net.n_bs):
        for j in range(net.n_bs):
            if b == j:
                assert g[b][j] is None
            else:
                assert np.allclose(g[b][j], literal(net, b, j), rtol=1e-12, atol=0)


@pytest.mark.parametrize("channels", [{"model": "los"}, {"model": "rayleigh", "seed": 3}])
def test_links_do_not_depend_on_the_order_they_are_read(channels):
    net = small_multicell(5, n_bs=5, channels=channels)
    forward, backward = CrossLinks(net), CrossLinks(net)
    pairs = [(b, j) for b in range(5) for j in range(5) if b != j]
    a = {p: forward[p[0]][p[1]] for p in pairs}
    backward[4].stacked()  # a whole row first, then single links in reverse
    z = {p: backward[p[0]][p[1]] for p in reversed(pairs)}
    for p in pairs:
        assert np.array_equal(a[p], z[p])
    assert not a[(0, 1)].flags.writeable


def test_los_rows_all_at_once_read_as_rows_made_one_by_one(monkeypatch):
    """A small network makes every line-of-sight row in one operation, a large one row by row: same bits."""
    from isacopt.channels.crosslink import _LosRows
    net = _rotated(small_multicell(3, n_bs=6, channels={"model": "los"}))
    together = CrossLinks(net)
    rows = [together[b].stacked() for b in range(net.n_bs)]
    monkeypatch.setattr(_LosRows, "ALL_AT_ONCE", 1)
    alone = CrossLinks(net)
    for b in reversed(range(net.n_bs)):
        assert np.array_equal(alone[b].stacked(), rows[b])
        assert not rows[b].flags.writeable


def test_stacked_row_agrees_for_lazy_and_nested_tuples():
    net = small_multicell(2, n_bs=3, channels={"model": "rayleigh", "seed": 2})
    lazy = CrossLinks(net)
    nested = tuple(tuple(lazy[b][j] for j in range(3)) for b in range(3))
    for b in range(3):
        s1, s2 = stacked_row(lazy, b), stacked_row(nested, b)
        assert np.array_equal(s1, s2) and not np.any(s1[b])


def _literal_interference(net, ch, design, part):
    out = np.zeros((net.n_bs, net.n_targets))
    for b in range(net.n_bs):
        for t in range(net.n_targets):
            u = ch.rx_steering[b][t] / np.sqrt(net.base_stations[b].rx_antennas)
            for j in range(net.n_bs):
                if j == b:
                    continue
                c = design.covariance(j) - (design.sensing[j] if part == "data" else 0)
                g = ch.crosslink[b][j]
                out[b, t] += np.real(u.conj() @ g @ c @ g.conj().T @ u)
    return out


@pytest.mark.parametrize("equal_nt", [True, False])
@pytest.mark.parametrize("part", ["total", "data"])
def test_masked_interference_is_the_double_loop_at_the_pairs_and_nan_elsewhere(equal_nt, part, rng):
    net = small_multicell(4, n_bs=3, targets_per_bs=2, channels={"model": "rayleigh", "seed": 4})
    if not equal_nt:
        net = with_tx_antennas(net, 1, 6)
    ch, design = derive_channels(net), random_design(net, rng)
    want = _literal_interference(net, ch, design, part)
    assert np.allclose(sensing_interference_at(ch, design, part), want, rtol=1e-10, atol=0)
    mask = np.zeros_like(want, dtype=bool)
    mask[0, 1] = mask[2, 0] = mask[2, 5] = True
    got = sensing_interference_at(ch, design, part, pairs=mask)
    assert np.allclose(got[mask], want[mask], rtol=1e-10, atol=0)
    assert np.all(np.isnan(got[~mask]))


def test_sensing_sinr_at_heads_is_the_full_matrix_at_those_entries(rng):
    net = small_multicell(6, n_bs=3, targets_per_bs=2, channels={"model": "los"})
    ch, design = derive_channels(net), random_design(net, rng)
    heads = [2, 0, 0, 1, 2, 1]
    full = sensing_sinr(net, ch, design)
    assert np.allclose(sensing_sinr_at(net, ch, design, heads), full[heads, np.arange(6)], rtol=1e-12)
    assert at_heads(full.shape, heads).sum() == 6


def test_a_large_network_evaluation_makes_only_the_links_its_heads_need(monkeypatch):
    import isacopt.coordinated.baseline as baseline

    seen = []
    monkeypatch.setattr(baseline, "derive_channels", lambda n: seen.append(derive_channels(n)) or seen[-1])
    lay = PoissonLayout(seed=1, window_m=6000, guard_m=2000, bs_per_km2=1.0, users_per_km2=0.05,
                        targets_per_km2=0.05, tx_antennas=1, rx_antennas=1)
    net = lay.generate(channels={"model": "rayleigh", "seed": 1})
    sol = iso.BaselineDesign(precoder="mrt", sensing="isotropic").solve(net)
    assert sol.status == "closed_form"
    made = sum(len(row._links) for row in seen[0].crosslink)
    # a sensing SINR at the head BS of each target reads that BS's row: at most T x B links, not B^2
    assert net.n_bs > 60 and made <= net.n_targets * net.n_bs < net.n_bs * (net.n_bs - 1) / 2


@pytest.mark.parametrize("model", ["los", "rayleigh"])
def test_interference_in_small_batches_is_the_same(model, rng, monkeypatch):
    # a large network's pairs go a few at a time (bounded memory): the numbers do not depend on the batch size
    import isacopt.metrics.sensing as sensing
    net = small_multicell(4, n_bs=3, targets_per_bs=3, channels={"model": "rayleigh", "seed": 2, "crosslink": model})
    ch, design = derive_channels(net), random_design(net, rng)
    whole = sensing_interference_at(ch, design, "data")
    monkeypatch.setattr(sensing, "_BATCH_ENTRIES", 1)  # one pair per batch
    assert np.allclose(sensing_interference_at(derive_channels(net), design, "data"), whole, rtol=1e-12, atol=0)
    assert np.allclose(whole, _literal_interference(net, ch, design, "data"), rtol=1e-10, atol=0)

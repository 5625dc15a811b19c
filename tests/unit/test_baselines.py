"""Closed-form baselines: ZF orthogonality, MRT direction, RZF limits, power budgets."""

import numpy as np
import pytest

import isacopt as iso
from isacopt.association import Association
from isacopt.baselines import baseline_design, mrt, regularized_zf, zero_forcing
from isacopt.channels import derive_channels
from tests.helpers import two_cell_network


@pytest.fixture
def rayleigh():
    net = two_cell_network(channels={"model": "rayleigh", "seed": 5})
    return net, derive_channels(net)


def test_zero_forcing_nulls_intra_cell_users(rayleigh):
    net, ch = rayleigh
    d = zero_forcing(net, ch)
    assoc = Association.nearest(net)
    for b in range(net.n_bs):
        users = [k for k, c in enumerate(assoc.serving) if c[0] == b]
        gains = ch.comm[b][users].conj() @ d.beams[b][:, users]  # h_k^H w_j
        off = gains - np.diag(np.diag(gains))
        assert np.abs(off).max() < 1e-12 * np.abs(np.diag(gains)).min()


def test_budgets_spent_and_split(rayleigh):
    net, ch = rayleigh
    for f in (mrt, zero_forcing, regularized_zf):
        d = f(net, ch, comm_fraction=0.3)
        assert np.allclose(d.power_w, [1.0, 2.0])
        assert np.allclose(d.comm_power_w, [0.3, 0.6])


def test_mrt_points_along_the_channel(rayleigh):
    net, ch = rayleigh
    d = mrt(net, ch)
    h = ch.comm[0][0]
    w = d.beams[0][:, 0]
    assert abs(np.vdot(h, w)) == pytest.approx(np.linalg.norm(h) * np.linalg.norm(w))


def test_rzf_limits(rayleigh):
    net, ch = rayleigh
    # high SNR: RZF -> ZF directions; low SNR: RZF -> MRT directions
    quiet = two_cell_network(channels={"model": "rayleigh", "seed": 5}, noise_dbm=-250)
    loud = two_cell_network(channels={"model": "rayleigh", "seed": 5}, noise_dbm=60)
    for other, ref in ((quiet, zero_forcing), (loud, mrt)):
        c = derive_channels(other)
        a, b = regularized_zf(other, c).beams[0][:, :2], ref(other, c).beams[0][:, :2]
        for k in range(2):
            assert abs(np.vdot(a[:, k], b[:, k])) == pytest.approx(np.linalg.norm(a[:, k]) * np.linalg.norm(b[:, k]),
                                                                   rel=1e-6)


def test_zero_forcing_refuses_too_many_users():
    net = iso.Network(base_stations=[{"id": "b", "position_m": (0, 0), "tx_antennas": 2, "rx_antennas": 1, "power_w": 1}],
                     users=[{"id": f"u{i}", "position_m": (50 + 10 * i, 20)} for i in range(3)])
    with pytest.raises(iso.DegreesOfFreedomError, match=r"base_stations\[0\].*3 users.*Nt = 2"):
        zero_forcing(net, derive_channels(net))


def test_directional_sensing_points_at_targets(two_cell):
    ch = derive_channels(two_cell)
    d = baseline_design(two_cell, ch, sensing="directional", comm_fraction=0.0)
    from isacopt.metrics import beampattern

    phi = ch.target_azimuth[0, 0]
    grid = np.linspace(-np.pi, np.pi, 721)
    assert beampattern(two_cell, d, 0, phi) >= 0.99 * beampattern(two_cell, d, 0, grid).max()


def test_bad_options_rejected(two_cell):
    ch = derive_channels(two_cell)
    with pytest.raises(iso.ValidationError, match="comm_fraction"):
        mrt(two_cell, ch, comm_fraction=1.5)
    with pytest.raises(iso.ValidationError, match="sensing"):
        mrt(two_cell, ch, sensing="laser")


def test_the_zero_design_has_the_network_shapes_and_no_power():
    from isacopt.design import TransmitDesign

    net = iso.Network.hexagonal(rings=1, users_per_cell=2, targets_per_cell=1, tx_antennas=6, seed=3)
    z = TransmitDesign.zeros(net)
    assert [w.shape for w in z.beams] == [(6, net.n_users)] * net.n_bs
    assert [r.shape for r in z.sensing] == [(6, 6)] * net.n_bs
    assert not z.power_w.any() and z.beams[0] is not TransmitDesign.zeros(net).beams[0]  # fresh arrays each call

"""Backhaul load (SPEC section 7) and network metrics (section 8) on hand-counted cases."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.association import Association
from isacopt.design import TransmitDesign
from isacopt.metrics import (area_spectral_efficiency, backhaul_load, coverage, energy_efficiency, in_window,
                             joint_transmission_rates)


def three_bs():
    return iso.Network(
        system={"bandwidth_hz": 10e6, "adc_bits": 8},
        base_stations=[{"id": f"b{i}", "position_m": (300.0 * i, 0), "tx_antennas": 2, "rx_antennas": 4,
                        "power_w": 1, "circuit_power_w": 0.5} for i in range(3)],
        users=[{"id": "u0", "position_m": (10, 10), "sinr_db": 10}, {"id": "u1", "position_m": (290, 10)}],
        targets=[{"id": "t0", "position_m": (150, 50)}],
    )


def test_joint_transmission_and_sensing_loads():
    net = three_bs()
    assoc = Association(serving=((0, 1), (1, 2, 0)), sensing=((2, 0, 1),)).validate_for(net)
    rates = joint_transmission_rates(net, [9.9, 2.0])
    assert rates[0] == pytest.approx(math.log2(11.0))  # target rate, not achieved, for u0
    assert rates[1] == 2.0
    none = backhaul_load(net, assoc, rates, "none")
    b = 10e6
    assert np.allclose(none, [b * 2.0, b * math.log2(11.0), b * 2.0])
    signal = backhaul_load(net, assoc, rates, "signal")
    raw = 2 * 8 * 4 * 10e6
    assert np.allclose(signal - none, [raw, raw, 0])  # BS 2 is the fusion head
    data = backhaul_load(net, assoc, rates, "data")
    assert np.allclose(data - none, [6 * 32 * 100, 6 * 32 * 100, 0])


def test_no_cooperation_no_load():
    net = three_bs()
    assoc = Association.nearest(net)
    assert np.all(backhaul_load(net, assoc, [1.0, 1.0], "signal") == 0)


def test_association_nearest_and_validation():
    net = three_bs()
    a = Association.nearest(net, comm_cluster=2, sensing_cluster=3)
    assert a.serving == ((0, 1), (1, 0)) and a.sensing[0][:2] in ((0, 1), (1, 0))
    with pytest.raises(iso.ValidationError, match="comm_cluster"):
        Association.nearest(net, comm_cluster=4)
    with pytest.raises(iso.ValidationError, match=r"serving\[0\]"):
        Association(serving=((0, 0), (1,)), sensing=((0,),)).validate_for(net)


def test_area_spectral_efficiency_counts_window_only(two_cell):
    inside_users, inside_targets = in_window(two_cell)
    assert inside_users.tolist() == [True, True, True, True] and inside_targets.all()
    moved = two_cell.with_updates(window={"lower_m": (-200, -200), "upper_m": (200, 200)})
    users, _ = in_window(moved)
    assert users.tolist() == [True, True, False, False]
    assert area_spectral_efficiency([1.0, 2.0, 4.0, 8.0], users, moved.window.area_km2) == pytest.approx(3.0 / 0.16)


def test_energy_efficiency():
    net = three_bs()
    design = TransmitDesign.from_arrays(net, [np.zeros((2, 2))] * 3, [np.eye(2) * 0.25] * 3)  # 0.5 W each
    ee = energy_efficiency(net, design, [1.0, 3.0])
    assert ee == pytest.approx(10e6 * 4.0 / (3 * 0.5 + 3 * 0.5))
    lossy = net.with_updates(system={**net.system.model_dump(), "pa_efficiency": 0.5})
    assert energy_efficiency(lossy, design, [1.0, 3.0]) == pytest.approx(10e6 * 4.0 / (3 * 1.0 + 3 * 0.5))


def test_coverage_fractions():
    assert coverage([1.0, 5.0, 10.0, 20.0], 5.0) == 0.75
    assert coverage([0.5, 2.0, math.inf], 1.0, below=True) == pytest.approx(1 / 3)
    assert math.isnan(coverage([], 1.0))

"""Snapshot validation: every bad value names its field and the allowed range."""

import math

import pytest

import isacopt as iso

BS = {"id": "bs0", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 2, "power_w": 1.0}


def make(**kw):
    data = {"base_stations": [BS]}
    data.update(kw)
    return iso.Network(**data)


def problems_of(exc_info):
    return dict(exc_info.value.problems)


@pytest.mark.parametrize("field,value,expect", [
    ("position_m", (math.nan, 0), "finite"),
    ("position_m", (math.inf, 0), "finite"),
    ("power_w", 0.0, "greater than 0"),
    ("power_w", -1.0, "greater than 0"),
    ("tx_antennas", 0, "greater than or equal to 1"),
    ("rx_antennas", 0, "greater than or equal to 1"),
    ("backhaul_bps", -5.0, "greater than or equal to 0"),
])
def test_bad_bs_values_name_the_field(field, value, expect):
    with pytest.raises(iso.ValidationError) as exc:
        make(base_stations=[{**BS, field: value}])
    fields = problems_of(exc)
    key = next(k for k in fields if k.startswith(f"base_stations[0].{field}"))
    assert expect in fields[key]


def test_every_problem_reported_at_once():
    with pytest.raises(iso.ValidationError) as exc:
        make(base_stations=[{**BS, "power_w": -1, "tx_antennas": 0, "colour": "red"}],
             users=[{"id": "u0", "position_m": (1, math.nan)}])
    fields = problems_of(exc)
    assert {"base_stations[0].power_w", "base_stations[0].tx_antennas", "base_stations[0].colour",
            "users[0].position_m[1]"} <= set(fields)
    assert "unknown key" in fields["base_stations[0].colour"]


def test_library_error_is_a_value_error_not_pydantic():
    with pytest.raises(ValueError) as exc:
        make(users=[{"id": "u0", "position_m": (1, 2), "sinr_db": "high"}])
    assert type(exc.value) is iso.ValidationError


def test_duplicate_ids():
    with pytest.raises(iso.ValidationError, match=r"users\[1\].id: duplicate id 'u'"):
        make(users=[{"id": "u", "position_m": (10, 0)}, {"id": "u", "position_m": (20, 0)}])


def test_user_closer_than_dmin_to_a_bs():
    with pytest.raises(iso.ValidationError, match=r"targets\[0\].position_m: 't0' is 0.5 m from base station 'bs0'"):
        make(targets=[{"id": "t0", "position_m": (0.5, 0)}])
    # allowed once d_min is lowered
    net = make(system={"min_distance_m": 0.1}, targets=[{"id": "t0", "position_m": (0.5, 0)}])
    assert net.n_targets == 1


def test_colocated_base_stations():
    with pytest.raises(iso.ValidationError, match="base_stations"):
        make(base_stations=[BS, {**BS, "id": "bs1", "position_m": (0.2, 0)}])


def test_empty_network_refused():
    with pytest.raises(iso.ValidationError, match="base_stations"):
        iso.Network(base_stations=[])


def test_unknown_channel_model_and_missing_k_factor():
    with pytest.raises(iso.ValidationError, match="channels"):
        make(channels={"model": "ray-traced"})
    with pytest.raises(iso.ValidationError, match=r"channels.k_factor: required field is missing"):
        make(channels={"model": "rician"})


def test_window_must_be_ordered():
    with pytest.raises(iso.ValidationError, match="upper_m"):
        make(window={"lower_m": (0, 0), "upper_m": (-1, 5)})


def test_snapshot_is_frozen():
    net = make()
    with pytest.raises(Exception):
        net.name = "x"  # type: ignore[misc]


def test_system_defaults_and_derived_values():
    s = iso.SystemParams()
    assert s.carrier_hz == 5e9 and s.bandwidth_hz == 50e6 and s.noise_dbm == -80
    assert math.isclose(s.noise_w, 1e-11)
    assert math.isclose(s.beta_rms_hz, 50e6 / math.sqrt(12))
    assert math.isclose(iso.SystemParams(rms_bandwidth_hz=3e6).beta_rms_hz, 3e6)
    assert math.isclose(s.raw_echo_bps(5), 2 * 12 * 5 * 50e6)
    assert math.isclose(s.estimate_bps, 6 * 32 * 100)


def test_with_updates_revalidates():
    net = make(users=[{"id": "u0", "position_m": (10, 0)}])
    with pytest.raises(iso.ValidationError):
        net.with_updates(users=[{"id": "u0", "position_m": (0.1, 0)}])
    assert net.with_updates(name="renamed").name == "renamed"


def test_model_copy_validates_its_update():
    """pydantic's model_copy trusts ``update``; ours validates it like a new model and names the field."""
    import isacopt as iso

    p = iso.CoordinatedBeamforming(objective="min_power")
    q = p.model_copy(update={"sinr_db": 5.0})
    assert q.sinr_db == 5.0 and q.objective == "min_power" and q.model_fields_set == {"objective", "sinr_db"}
    with pytest.raises(iso.ValidationError, match="sinr_db"):
        p.model_copy(update={"sinr_db": 500.0})
    with pytest.raises(iso.ValidationError, match="unknown key"):
        p.model_copy(update={"sinr_dbb": 5.0})


def test_the_shared_preparation_steps():
    """Cluster sizes, the receiver override and the SINR-target merge, done once for every family."""
    from isacopt.formulation.shared_preparation import check_cluster_sizes, linear_sinr_targets, with_receiver

    net = iso.Network(base_stations=[{"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 4,
                                      "power_w": 1.0}],
                      users=[{"id": "u", "position_m": (50, 0), "sinr_db": 10.0}, {"id": "v", "position_m": (0, 50)}])
    with pytest.raises(iso.ValidationError, match="comm_cluster: 2 is larger than the number of base stations"):
        check_cluster_sizes(net, comm_cluster=2, sensing_cluster=1)
    assert [u.receiver for u in with_receiver(net, "type2").users] == ["type2", "type2"]
    assert with_receiver(net, None) is net
    assert linear_sinr_targets(net, 3.0) == pytest.approx((10.0, 10 ** 0.3))
    assert linear_sinr_targets(net, None) == (pytest.approx(10.0), None)
    assert linear_sinr_targets(net, 3.0, served=[False, True]) == (None, pytest.approx(10 ** 0.3))


def test_window_masks_equal_the_pointwise_test_edges_included():
    """``contains_all`` (the evaluation's vectorised window masks) is ``contains`` on every point: corners,
    edges, points just outside and random ones."""
    import numpy as np

    from isacopt.network.nodes import Window
    w = Window(lower_m=(-250.0, 10.0), upper_m=(750.0, 510.0))
    eps = 1e-9
    rng = np.random.default_rng(3)
    special = [(x, y) for x in (-250.0, 750.0, -250.0 - eps, 750.0 + eps, 0.0)
               for y in (10.0, 510.0, 10.0 - eps, 510.0 + eps, 100.0)]
    points = np.vstack([np.array(special), rng.uniform(-500, 1000, size=(200, 2))])
    expected = [w.contains(tuple(p)) for p in points]
    assert w.contains_all(points).tolist() == expected
    assert any(expected) and not all(expected)
    assert w.contains_all(np.zeros((0, 2))).shape == (0,)

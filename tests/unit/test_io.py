"""Problem files: exact round trips, safe parsing, explicit channel files."""

from pathlib import Path

import numpy as np
import pytest
import yaml

import isacopt as iso
from isacopt.channels import derive_channels
from isacopt.io import load_network, load_problem, save_network
from tests.helpers import two_cell_network

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"


@pytest.mark.parametrize("name", ["single-cell-teaching", "hex-7cell", "seed-case-study"])
def test_catalogue_files_load_and_round_trip(name, tmp_path):
    net = load_network(PROBLEMS / f"{name}.yaml")
    out = save_network(net, tmp_path / "copy.yaml")
    again = load_network(out)
    assert again == net
    assert save_network(again, tmp_path / "copy2.yaml").read_text() == out.read_text()


def test_round_trip_keeps_awkward_floats(tmp_path):
    net = two_cell_network().with_updates(users=[{"id": "u", "position_m": (100 + 0.1 + 0.2, 1 / 3), "sinr_db": 7.123456789012345}])
    assert load_network(save_network(net, tmp_path / "n.yaml")) == net


def test_seed_case_matches_the_paper_settings():
    net = load_network(PROBLEMS / "seed-case-study.yaml")
    s = net.system
    assert (s.carrier_hz, s.bandwidth_hz, s.noise_dbm) == (5e9, 50e6, -80)
    assert all(b.rx_antennas == 5 and b.power_w == 1.0 for b in net.base_stations)
    assert all(t.rcs_m2 == 1.0 for t in net.targets)


def test_unknown_key_and_bad_value_named_with_source(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\nsystem: {carrier_hz: -5}\nbase_stations:\n  - {id: a, position_m: [0, 0], tx_antenas: 4}\n")
    with pytest.raises(iso.ValidationError) as exc:
        load_problem(p)
    fields = dict(exc.value.problems)
    assert "system.carrier_hz" in fields and "base_stations[0].tx_antenas" in fields
    assert "base_stations[0].tx_antennas" in fields and "base_stations[0].power_w" in fields  # missing
    assert str(p) in str(exc.value)


def test_layout_and_lists_are_exclusive(tmp_path):
    p = tmp_path / "both.yaml"
    p.write_text("layout: {kind: hexagonal}\nbase_stations:\n  - {id: a, position_m: [0, 0], tx_antennas: 1, "
                 "rx_antennas: 1, power_w: 1}\n")
    with pytest.raises(iso.ValidationError, match="either 'layout'"):
        load_problem(p)


def test_yaml_is_parsed_safely(tmp_path):
    p = tmp_path / "evil.yaml"
    p.write_text("name: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(iso.ValidationError, match="not valid YAML"):
        load_problem(p)


def test_not_a_mapping_and_missing_file(tmp_path):
    p = tmp_path / "list.yaml"
    p.write_text("- 1\n- 2\n")
    with pytest.raises(iso.ValidationError, match="mapping"):
        load_problem(p)
    with pytest.raises(iso.ValidationError, match="does not exist"):
        load_problem(tmp_path / "nope.yaml")


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("isacopt.yaml_files.MAX_FILE_BYTES", 10)
    p = tmp_path / "big.yaml"
    p.write_text("name: " + "x" * 100)
    with pytest.raises(iso.ValidationError, match="larger than"):
        load_problem(p)


def test_explicit_channel_file_round_trip(tmp_path):
    base = two_cell_network()
    comm = (np.arange(32) + 1j).reshape(2, 4, 4) * 1e-6
    net = base.with_updates(channels=iso.ExplicitChannels.from_arrays(comm))
    out = save_network(net, tmp_path / "explicit.yaml")
    assert (tmp_path / "explicit.channels.npz").is_file()
    again = load_network(out)
    assert np.array_equal(derive_channels(again).comm[1], comm[1])


def test_eavesdroppers_and_their_explicit_channels_round_trip(tmp_path):
    base = two_cell_network().with_updates(eavesdroppers=[iso.Eavesdropper(id="e0", position_m=(100, -40),
                                                                          max_sinr_db=-3, max_beampattern_w=0.2)])
    comm = (np.arange(32) + 1j).reshape(2, 4, 4) * 1e-6
    eve = (np.arange(8) - 2j).reshape(2, 1, 4) * 1e-6
    net = base.with_updates(channels=iso.ExplicitChannels.from_arrays(comm, eve=eve))
    again = load_network(save_network(net, tmp_path / "secure.yaml"))
    assert again.eavesdroppers == net.eavesdroppers
    assert np.array_equal(derive_channels(again).eve[1], eve[1])
    np.savez(tmp_path / "secure.channels.npz", comm=comm)  # the eavesdropper's channels missing from the file
    with pytest.raises(iso.ValidationError, match="'eve' array of shape"):
        derive_channels(load_network(tmp_path / "secure.yaml"))


def test_explicit_channel_file_validated(tmp_path):
    base = yaml.safe_load((PROBLEMS / "single-cell-teaching.yaml").read_text())
    base["channels"] = {"model": "explicit", "file": "ch.npz"}
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(base))
    np.savez(tmp_path / "ch.npz", comm=np.ones((1, 2, 8), complex))  # 2 users, the file has 3
    with pytest.raises(iso.ValidationError, match=r"channels.comm: shape must be \(1, 3, 8\)"):
        derive_channels(load_network(p))
    np.savez(tmp_path / "ch.npz", other=np.ones(3))
    with pytest.raises(iso.ValidationError, match="must hold 'comm'"):
        load_network(p)
    np.savez(tmp_path / "ch.npz", comm=np.array([{"a": 1}], dtype=object))
    with pytest.raises(iso.ValidationError, match="pickled"):
        load_network(p)
    (tmp_path / "ch.npz").unlink()
    with pytest.raises(iso.ValidationError, match="does not exist"):
        load_network(p)

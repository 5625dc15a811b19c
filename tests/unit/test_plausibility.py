"""Valid but implausible values warn (naming field, value, range and the unit), plausible ones do not."""

import glob
import warnings

import pytest

import isacopt as iso
from isacopt.sweep import load_sweep, snapshot_network
from tests.helpers import two_cell_network
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _no_warning(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error", iso.PlausibilityWarning)
        return fn()


def test_catalogue_and_sweep_networks_are_plausible():
    for f in sorted(glob.glob("problems/*.yaml")):
        _no_warning(lambda: iso.load_network(f))
    for f in sorted(glob.glob("problems/sweeps/*.yaml")):
        spec = load_sweep(f)
        for point in spec.points()[:: max(1, len(spec.points()) // 5)]:
            _no_warning(lambda: snapshot_network(spec, spec.designs[0], point, 1))


@pytest.mark.parametrize("change,needle", [
    (lambda n: n.with_updates(base_stations=[b.model_copy(update={"power_w": 5000.0}) for b in n.base_stations]),
     r"base_stations\[0\].power_w = 5000 W .*in watts"),
    (lambda n: n.with_updates(system=n.system.model_copy(update={"noise_dbm": -20.0})), r"system.noise_dbm = -20 dBm"),
    # 5 GHz typed as 5 MHz (5 Hz is below the hard limit of 1 MHz: an error, tested below)
    (lambda n: n.with_updates(system=n.system.model_copy(update={"carrier_hz": 5.0e6})),
     r"system.carrier_hz = 5e\+06 Hz"),
    (lambda n: n.with_updates(targets=[t.model_copy(update={"rcs_m2": 1e5}) for t in n.targets]), r"rcs_m2 = 100000"),
    (lambda n: n.with_updates(base_stations=[b.model_copy(update={"backhaul_bps": 10.0}) for b in n.base_stations]),
     r"backhaul_bps = 10 bit/s"),
])
def test_unit_slips_warn_and_the_computation_goes_on(change, needle):
    net = two_cell_network()
    with pytest.warns(iso.PlausibilityWarning, match=needle):
        slipped = change(net)
    assert slipped.n_bs == 2  # a warning, not an error


def test_kilometres_entered_as_metres_warn():
    with pytest.warns(iso.PlausibilityWarning, match="positions span 400 km"):
        iso.Network(base_stations=[{"id": i, "position_m": (x, 0), "tx_antennas": 4, "rx_antennas": 4, "power_w": 1}
                                  for i, x in (("a", 0), ("b", 400_000))])


def test_a_carrier_below_the_hard_limit_is_an_error_even_through_model_copy():
    net = two_cell_network()
    with pytest.raises(iso.ValidationError, match="carrier_hz"):
        net.system.model_copy(update={"carrier_hz": 5.0})



def test_power_in_dbm_is_converted_and_cannot_be_given_twice():
    bs = {"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 4}
    net = iso.Network(base_stations=[{**bs, "power_dbm": 46}])
    assert net.base_stations[0].power_w == pytest.approx(39.810717, rel=1e-6)  # 10^(46/10) mW
    for bad, needle in (({"power_dbm": 46, "power_w": 40}, "not both"), ({"power_dbm": "46 dBm"}, "number of dBm"),
                        ({"power_dbm": 200}, r"\[-40, 80\]")):
        with pytest.raises(iso.ValidationError, match=needle) as err:
            iso.Network(base_stations=[{**bs, **bad}])
        assert "base_stations[0]" in str(err.value)


@pytest.mark.parametrize("power_w", [0.04, 46.0])
def test_slips_that_land_on_plausible_values_are_not_claimed_to_be_caught(power_w):
    """What the docs promise, exactly: 46 (dBm typed as W) and 0.04 (40 W typed in kW) are plausible powers,
    so no warning is raised for them; the docs say so and offer power_dbm."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", iso.PlausibilityWarning)
        iso.Network(base_stations=[{"id": "a", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 4,
                                    "power_w": power_w}])
    text = (ROOT / "docs" / "reliability.md").read_text()
    assert "46 dBm typed as `power_w: 46`" in text and "not* caught" in text

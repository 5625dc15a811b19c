import numpy as np

from isacopt.units import SPEED_OF_LIGHT, db_to_linear, dbm_to_watt, linear_to_db, watt_to_dbm, wavelength


def test_dbm_watt_round_trip():
    assert dbm_to_watt(30) == 1.0
    assert np.isclose(dbm_to_watt(-80), 1e-11)
    assert np.isclose(watt_to_dbm(dbm_to_watt(-37.5)), -37.5)
    assert watt_to_dbm(0.0) == -np.inf


def test_db_linear():
    assert np.isclose(db_to_linear(10), 10.0)
    assert np.isclose(linear_to_db(100.0), 20.0)


def test_wavelength_5ghz():
    assert np.isclose(wavelength(5e9), 299_792_458.0 / 5e9)
    assert SPEED_OF_LIGHT == 299_792_458.0

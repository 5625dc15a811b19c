"""Scaling laws of localisation with the number of cooperating BSs (isacopt.studies.localisation_scaling)."""

import numpy as np
import pytest

from isacopt.studies.localisation_scaling import crlb_laws


@pytest.fixture(scope="module")
def laws():
    return {a: crlb_laws((4, 8, 16, 32), seeds=80, pathloss_exponent=a) for a in (2.0, 4.0)}


def test_range_only_follows_a_power_of_ln_n_at_exponent_two(laws):
    """ln^2 N expected asymptotically; up to N = 32 the fitted power is between ln and ln^2."""
    p = laws[2.0]["range"].ln_exponent()
    assert 1.0 < p < 2.3
    assert np.all(np.diff(laws[2.0]["range"].median_crlb_m2) < 0)


def test_monostatic_angles_saturate_and_bistatic_angles_follow_ln_n(laws):
    """Each BS's own angle carries d^(-2 alpha - 2): summable, so angle-only saturates; the angle of arrival
    of every pair carries (sum d_i^-alpha)(sum d_j^(-alpha-2)): ln N at alpha = 2."""
    assert laws[2.0]["angle"].ln_exponent() < 0.3
    assert 0.5 < laws[2.0]["angle_bistatic"].ln_exponent() < 1.5


def test_above_exponent_two_the_harmonic_sum_converges(laws):
    assert laws[4.0]["range"].ln_exponent() < 0.6 * laws[2.0]["range"].ln_exponent()


def test_angle_information_completes_a_single_bs_and_adds_little_to_range(laws):
    hybrid, rng = laws[2.0]["hybrid"], laws[2.0]["range"]
    assert np.all(hybrid.median_crlb_m2 <= rng.median_crlb_m2 * (1 + 1e-12))
    one = crlb_laws((1, 2), seeds=20, information=("range", "hybrid"))
    assert one["range"].finite[0] == 0.0 and one["hybrid"].finite[0] == 1.0

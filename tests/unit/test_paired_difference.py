"""The paired interval of a ratio difference against a paired bootstrap and two limits it must reach."""

import numpy as np
import pytest

from isacopt.sweep.paired import paired_ratio_difference
from isacopt.sweep.report import ratio_ci


def _pair(rng, n, shared):
    """Heavy-tailed per-snapshot sums sharing a common factor (the network of the snapshot)."""
    x = rng.integers(1, 6, n).astype(float)
    common = rng.lognormal(0.0, 0.8, n)
    ya = x * (shared * common + (1 - shared) * rng.lognormal(0.0, 0.8, n)) * 1.10
    yb = x * (shared * common + (1 - shared) * rng.lognormal(0.0, 0.8, n))
    return ya, x, yb, x


def test_half_width_matches_a_paired_bootstrap():
    rng = np.random.default_rng(3)
    ya, xa, yb, xb = _pair(rng, 400, shared=0.8)
    d, half, _ = paired_ratio_difference(ya, xa, yb, xb)
    idx = rng.integers(0, ya.size, (4000, ya.size))  # resample snapshots, keeping the pairs
    boot = (ya[idx].sum(1) / xa[idx].sum(1)) / (yb[idx].sum(1) / xb[idx].sum(1)) - 1
    lo, hi = np.percentile(boot, [2.5, 97.5])
    assert d == pytest.approx(ya.sum() / yb.sum() - 1)
    assert half == pytest.approx((hi - lo) / 2, rel=0.15)


def test_identical_estimates_have_no_spread_and_independent_ones_add_in_quadrature():
    rng = np.random.default_rng(4)
    ya, xa, _, _ = _pair(rng, 300, shared=1.0)
    assert paired_ratio_difference(ya, xa, ya, xa)[:2] == pytest.approx((0.0, 0.0), abs=1e-12)
    ya, xa, yb, xb = _pair(rng, 3000, shared=0.0)  # no common factor: the marginal intervals combine
    d, half, rb = paired_ratio_difference(ya, xa, yb, xb)
    (ra, ha), (_, hb) = ratio_ci(ya, xa), ratio_ci(yb, xb)
    expected = np.sqrt((ha / rb) ** 2 + (ra * hb / rb**2) ** 2)
    assert half == pytest.approx(expected, rel=0.1)


def test_misaligned_arrays_are_refused():
    with pytest.raises(ValueError, match="aligned by snapshot"):
        paired_ratio_difference([1, 2], [1, 1], [1, 2, 3], [1, 1, 1])

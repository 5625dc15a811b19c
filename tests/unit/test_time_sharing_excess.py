"""The excess of an envelope point over the time-sharing line through the corners (tools/fig3_optimised_tables):
zero on the line, the vertical distance above it, unchanged by a common shift of the three sensing values."""

import numpy as np
import pytest

from tools.fig3_optimised_tables import above_time_sharing


def test_a_point_on_the_line_has_no_excess_and_one_above_has_its_height():
    # sensing corner (2, 3), comm corner (10, 1): the line at comm 6 is at sensing 2
    assert above_time_sharing(np.array([6.0, 2.0, 2.0, 3.0, 10.0, 1.0])) == pytest.approx(0.0)
    assert above_time_sharing(np.array([6.0, 2.5, 2.0, 3.0, 10.0, 1.0])) == pytest.approx(0.5)
    assert above_time_sharing(np.array([4.0, 2.0, 2.0, 3.0, 10.0, 1.0])) == pytest.approx(2.0 - 2.5)  # below


def test_a_common_sensing_shift_leaves_the_excess_unchanged():
    rng = np.random.default_rng(0)
    for _ in range(20):
        m = np.array([rng.uniform(3, 8), rng.uniform(1, 3), rng.uniform(0, 2), rng.uniform(2, 4),
                      rng.uniform(9, 12), rng.uniform(0, 1)])
        shift = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]) * rng.uniform(-1, 1)
        assert above_time_sharing(m + shift) == pytest.approx(above_time_sharing(m))

"""Time sharing between two corners against hand-worked values (SPEC.md section 11's reference line)."""

import math

import numpy as np

from isacopt.metrics.time_sharing import time_sharing_root_crlb


def test_hand_worked_points():
    # corners: communication 2 bit/s/Hz, sensing 0.5 bit/s/Hz at root CRLB 10 m
    assert time_sharing_root_crlb(0.5, 2.0, 0.5, 10.0) == 10.0  # tau = 0: the sensing corner
    assert math.isclose(time_sharing_root_crlb(1.25, 2.0, 0.5, 10.0), 10.0 / math.sqrt(0.5))  # tau = 1/2
    assert time_sharing_root_crlb(0.1, 2.0, 0.5, 10.0) == 10.0  # below the sensing corner's rate: tau clipped
    assert time_sharing_root_crlb(2.0, 2.0, 0.5, 10.0) == math.inf  # all the time communicating
    assert time_sharing_root_crlb(1.0, 0.5, 0.5, 10.0) == math.inf  # no rate to trade: degenerate corners


def test_arrays_broadcast_per_draw():
    out = time_sharing_root_crlb(np.array([0.5, 1.25, 2.0]), 2.0, 0.5, np.array([10.0, 10.0, 10.0]))
    assert np.allclose(out[:2], [10.0, 10.0 / math.sqrt(0.5)]) and np.isinf(out[2])

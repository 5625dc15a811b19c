"""Generators seeded in one pass (isacopt.network.seeded_streams) draw exactly what ``default_rng`` draws for
the same keys: every key length around SeedSequence's pool of four words, the 32-bit edges, multi-word values
(numpy's own path), ragged and empty keys; and one draw split in two is the two draws it replaces."""

import numpy as np
import pytest

from isacopt.channels.comm import _cn
from isacopt.network.seeded_streams import generators


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5, 8])
def test_the_same_streams_as_default_rng(length):
    rng = np.random.default_rng(length)
    keys = [[int(v) for v in rng.integers(0, 2**32, length)] for _ in range(100)]
    keys += [[0] * length, [2**32 - 1] * length]
    for key, g in zip(keys, generators(keys)):
        ref = np.random.default_rng(key)
        assert np.array_equal(g.standard_normal(9), ref.standard_normal(9)), key
        assert np.array_equal(g.uniform(0, 1, 3), ref.uniform(0, 1, 3)), key


def test_wide_ragged_and_empty_keys():
    keys = [(2**40, 20, 1), (4, 20, 3, 7), (4, 10, 2), (), (2**63 - 1, 1), (np.int64(5), 11, np.int64(2))]
    for key, g in zip(keys, generators(keys)):
        assert np.array_equal(g.standard_normal(5), np.random.default_rng(list(key)).standard_normal(5)), key
    assert generators([]) == []


def test_a_complex_draw_is_its_two_real_draws():
    for shape in [(1, 1), (5, 4), (0, 4), (3,)]:
        a, b = np.random.default_rng(3), np.random.default_rng(3)
        two = (a.standard_normal(shape) + 1j * a.standard_normal(shape)) / np.sqrt(2.0)
        assert np.array_equal(_cn(b, shape), two) and _cn(np.random.default_rng(3), shape).shape == shape

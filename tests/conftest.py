"""Shared fixtures: small networks and a seeded random generator."""

from __future__ import annotations

import numpy as np
import pytest

import isacopt as io
from tests.helpers import two_cell_network


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def two_cell() -> io.Network:
    return two_cell_network()

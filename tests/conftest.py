"""Shared fixtures: small networks and a seeded random generator."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import settings

import isacopt as iso
from tests.helpers import two_cell_network

# CI replays the same examples every run (a red CI is reproducible); locally hypothesis explores anew.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def two_cell() -> iso.Network:
    return two_cell_network()

"""Arrays computed once and shared by every reader (a network's positions, a design's powers and the metrics
several others read): made read-only, so that nobody changes a shared value in place."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def read_only(a: NDArray) -> NDArray:
    """``a`` itself, no longer writeable."""
    a.flags.writeable = False
    return a

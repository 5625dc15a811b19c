"""The compile cache of a builder: compiled problems by structure, least recently used evicted.

A planner re-solving one structure hits one entry forever; a Monte Carlo sweep over Poisson networks
meets a new structure (new counts) at almost every snapshot, and an unbounded cache would keep every
compiled problem alive (gigabytes per worker). ``MAX_COMPILED`` bounds it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

MAX_COMPILED = 32


class CompileCache(OrderedDict):
    """An OrderedDict that moves an entry to the end when read and drops the oldest beyond ``limit``."""

    def __init__(self, limit: int = MAX_COMPILED):
        super().__init__()
        self.limit = limit

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)

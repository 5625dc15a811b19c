"""Cooperative ISAC: CoMP joint transmission and distributed MIMO radar (SPEC.md sections 4, 5.4, 7, 9)."""

from .builder import CooperativeISAC
from .frontier import Frontier, FrontierPoint, trace_frontier

__all__ = ["CooperativeISAC", "Frontier", "FrontierPoint", "trace_frontier"]

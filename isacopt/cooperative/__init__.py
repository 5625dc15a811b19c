"""Cooperative ISAC: CoMP joint transmission and distributed MIMO radar (SPEC.md sections 4, 5.4, 7)."""

from .builder import CooperativeISAC

__all__ = ["CooperativeISAC"]

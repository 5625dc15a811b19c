"""Constraint and objective terms. Each creates its cvxpy Parameters once (``build``) and
assigns their values from a snapshot (``update``); builders only compose terms."""

from .base import Term, Variables

__all__ = ["Term", "Variables"]

"""Cluster selection: integer search over cooperation links with convex sub-problems and bounds."""

from .builder import ClusterSelection
from .links import Limits, Link, LinkSet

__all__ = ["ClusterSelection", "Limits", "Link", "LinkSet"]

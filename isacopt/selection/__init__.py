"""Cluster selection: integer search over cooperation links with convex sub-problems and bounds."""

from .association import CellAssociation
from .builder import ClusterSelection
from .links import Limits, Link, LinkSet

__all__ = ["CellAssociation", "ClusterSelection", "Limits", "Link", "LinkSet"]

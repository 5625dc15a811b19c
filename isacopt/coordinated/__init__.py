"""Coordinated beamforming (and the closed-form baseline designs as a problem kind): declarative options
that compile to cvxpy problems and solve snapshots."""

from .baseline import BaselineDesign
from .coordinated import CoordinatedBeamforming

__all__ = ["BaselineDesign", "CoordinatedBeamforming"]

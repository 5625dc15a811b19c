"""Problem builders: declarative options that compile to cvxpy problems and solve snapshots."""

from .baseline import BaselineDesign
from .coordinated import CoordinatedBeamforming

__all__ = ["BaselineDesign", "CoordinatedBeamforming"]

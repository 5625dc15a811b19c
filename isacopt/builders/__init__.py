"""Problem builders: declarative options that compile to cvxpy problems and solve snapshots."""

from .coordinated import CoordinatedBeamforming

__all__ = ["CoordinatedBeamforming"]

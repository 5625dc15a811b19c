"""isacopt: convex optimisation for cooperative ISAC networks."""

from .errors import DegreesOfFreedomError, IsacoptError, PlausibilityWarning, SolverFailure, ValidationError
from .builders import BaselineDesign, CoordinatedBeamforming
from .cooperative import CooperativeISAC, Frontier, trace_frontier
from .design import TransmitDesign
from .io import load_network, load_problem, save_network
from .results import Solution
from .selection import CellAssociation, ClusterSelection
from .network import (
    BaseStation, ExplicitChannels, HexagonalLayout, LosChannels, Network, PoissonLayout, RayleighChannels,
    RicianChannels, SystemParams, Target, User, Window,
)

__version__ = "0.1.0"

__all__ = [
    "BaselineDesign", "CellAssociation", "ClusterSelection", "CoordinatedBeamforming", "CooperativeISAC", "Frontier", "Solution", "TransmitDesign", "trace_frontier",
    "BaseStation", "DegreesOfFreedomError", "ExplicitChannels", "HexagonalLayout", "IsacoptError", "LosChannels", "PlausibilityWarning",
    "Network", "PoissonLayout", "RayleighChannels", "RicianChannels", "SolverFailure", "SystemParams", "Target",
    "User", "ValidationError", "Window", "__version__", "load_network", "load_problem", "save_network",
]

"""The network snapshot: system parameters, nodes, channel model, layouts."""

from .channel_spec import ExplicitChannels, LosChannels, RayleighChannels, RicianChannels
from .layouts import HexagonalLayout, PoissonLayout, hex_grid
from .model import Network
from .nodes import BaseStation, Eavesdropper, Target, User, Window
from .system import SystemParams

__all__ = [
    "BaseStation", "ExplicitChannels", "HexagonalLayout", "LosChannels", "Network", "PoissonLayout",
    "RayleighChannels", "RicianChannels", "SystemParams", "Target", "User", "Window", "hex_grid", "Eavesdropper",
]

"""isacopt: convex optimisation for cooperative ISAC networks.

The public names below are imported on first use (PEP 562): ``import isacopt`` is instant, so the
``isacopt`` command answers ``--help`` at once and a Ctrl-C while it starts is handled, not a
traceback from inside an import. ``from isacopt import Network`` works as usual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

# public name -> the module that defines it
_WHERE = {
    **dict.fromkeys(["DegreesOfFreedomError", "IsacoptError", "PlausibilityWarning", "SolverFailure",
                     "ValidationError"], ".errors"),
    **dict.fromkeys(["BaselineDesign", "CoordinatedBeamforming"], ".coordinated"),
    **dict.fromkeys(["CooperativeISAC", "Frontier", "trace_frontier"], ".cooperative"),
    "TransmitDesign": ".design",
    **dict.fromkeys(["load_network", "load_problem", "save_network"], ".io"),
    "Solution": ".results",
    **dict.fromkeys(["CellAssociation", "ClusterSelection"], ".selection"),
    **dict.fromkeys(["BaseStation", "ExplicitChannels", "HexagonalLayout", "LosChannels", "Network", "PoissonLayout",
                     "RayleighChannels", "RicianChannels", "SystemParams", "Target", "User", "Window",
                     "Eavesdropper"], ".network"),
}

__all__ = sorted([*_WHERE, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    try:  # a subpackage used as an attribute: isacopt.metrics, isacopt.channels, ...
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{name}":
            raise
    raise AttributeError(f"module 'isacopt' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and IDEs see
    from .coordinated import BaselineDesign, CoordinatedBeamforming
    from .cooperative import CooperativeISAC, Frontier, trace_frontier
    from .design import TransmitDesign
    from .errors import DegreesOfFreedomError, IsacoptError, PlausibilityWarning, SolverFailure, ValidationError
    from .io import load_network, load_problem, save_network
    from .network import (
        BaseStation, ExplicitChannels, HexagonalLayout, LosChannels, Network, PoissonLayout, RayleighChannels,
        RicianChannels, SystemParams, Target, User, Window,
    )
    from .results import Solution
    from .selection import CellAssociation, ClusterSelection

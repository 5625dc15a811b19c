"""The versions a Solution records (isacopt and the numerical stack it was solved with)."""

from __future__ import annotations

from .._version import __version__


def versions() -> dict[str, str]:
    """isacopt, cvxpy, Clarabel and numpy versions: what a logged result needs to be reproduced."""
    import clarabel
    import cvxpy as cp
    import numpy as np

    return {"isacopt": __version__, "cvxpy": cp.__version__, "clarabel": getattr(clarabel, "__version__", "?"),
            "numpy": np.__version__}

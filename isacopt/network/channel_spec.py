"""How a snapshot's channels are made (SPEC.md section 2): a tagged union on ``model``."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import Field, PrivateAttr

from .._model import FrozenModel

CrossLink = Literal["los", "rayleigh"]


class LosChannels(FrozenModel):
    """Deterministic line of sight: ``h = sqrt(beta(d)) a_Nt(phi)``."""

    model: Literal["los"] = "los"
    crosslink: CrossLink = "los"


class RayleighChannels(FrozenModel):
    """i.i.d. Rayleigh fading ``h = sqrt(beta(d)) g``, ``g ~ CN(0, I)``, seeded."""

    model: Literal["rayleigh"] = "rayleigh"
    seed: int = Field(0, ge=0, le=2**63 - 1)
    crosslink: CrossLink = "rayleigh"


class RicianChannels(FrozenModel):
    """Rician fading with K-factor ``k_factor`` (linear), seeded."""

    model: Literal["rician"] = "rician"
    k_factor: float = Field(ge=0, le=1e6, description="K-factor kappa (linear power ratio)")
    seed: int = Field(0, ge=0, le=2**63 - 1)
    crosslink: CrossLink = "los"


class ExplicitChannels(FrozenModel):
    """User-supplied channels: ``comm`` of shape (n_bs, n_users, Nt), complex.

    From a file (an ``.npz`` with key ``comm``, optionally ``crosslink`` of
    shape (n_bs, n_bs, Nr, Nt) and ``eve`` of shape (n_bs, n_eve, Nt) for the
    eavesdroppers), or from arrays via :meth:`from_arrays`.
    Cross-links not supplied are line of sight.
    """

    model: Literal["explicit"] = "explicit"
    file: str | None = Field(None, description="path of the .npz (relative to the problem file)")
    crosslink: CrossLink = "los"
    _comm: np.ndarray | None = PrivateAttr(default=None)
    _crosslink_array: np.ndarray | None = PrivateAttr(default=None)
    _eve: np.ndarray | None = PrivateAttr(default=None)

    @classmethod
    def from_arrays(cls, comm: Any, crosslink_array: Any = None, *, file: str | None = None,
                    crosslink: CrossLink = "los", eve: Any = None) -> "ExplicitChannels":
        """Channels from arrays; shapes are checked against the network when channels are derived.
        ``eve``: the eavesdroppers' channels, (n_bs, n_eve, Nt)."""
        spec = cls(file=file, crosslink=crosslink)
        spec._comm = np.asarray(comm)
        spec._crosslink_array = None if crosslink_array is None else np.asarray(crosslink_array)
        spec._eve = None if eve is None else np.asarray(eve)
        return spec

    @property
    def comm(self) -> np.ndarray | None:
        """The user channels given in Python, (n_bs, n_users, Nt) complex; None when read from ``file``."""
        return self._comm

    @property
    def eve(self) -> np.ndarray | None:
        """The eavesdroppers' channels given in Python or the file, (n_bs, n_eve, Nt) complex, or None."""
        return self._eve

    @property
    def crosslink_array(self) -> np.ndarray | None:
        """The BS-to-BS channels given in Python, (n_bs, n_bs, Nr, Nt) complex, or None (line of sight)."""
        return self._crosslink_array


ChannelSpec = Annotated[
    Union[LosChannels, RayleighChannels, RicianChannels, ExplicitChannels],
    Field(discriminator="model"),
]

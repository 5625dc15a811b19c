"""Closed-form baseline designs (SPEC.md section 9): MRT, ZF, regularised ZF, MMSE, without nulls.

Each BS serves the users whose serving-cluster head it is (single-BS service), gives a fraction
``comm_fraction`` of its budget to the data beams, split equally between its users, and the rest to
the sensing signal: ``isotropic`` (spread evenly), ``directional`` (equal power toward every target
whose sensing cluster contains the BS: a multistatic transmitter illuminates it too) or ``none``. The
sensing beams avoid the BS's own users when it serves any. A BS with no users (or no targets) spends
its whole budget on the other function. :mod:`isacopt.closed_form` has the general model (null
spaces, shared or dedicated sensing streams); these are its no-nulling special case.
"""

from __future__ import annotations

from .association import Association
from .channels.derive import Channels
from .closed_form import Precoder, SensingShape, closed_form_design
from .design import TransmitDesign
from .network.model import Network


def baseline_design(network: Network, channels: Channels, *, precoder: Precoder = "mrt",
                    comm_fraction: float = 0.5, sensing: SensingShape = "isotropic",
                    association: Association | None = None) -> TransmitDesign:
    """Closed-form design with equal power splitting; every BS spends its full budget."""
    assoc = (association or Association.nearest(network)).validate_for(network, allow_unserved=True)
    served = [c[0] if c else -1 for c in assoc.serving]
    illuminated = [[t for t, c in enumerate(assoc.sensing) if b in c] for b in range(network.n_bs)]
    return closed_form_design(network, channels, served=served, illuminated=illuminated, precoder=precoder,
                              sensing_streams="dedicated", comm_fraction=comm_fraction, sensing=sensing)


def mrt(network: Network, channels: Channels, **kwargs: object) -> TransmitDesign:
    """Maximum-ratio transmission to each BS's own users; see :func:`baseline_design`."""
    return baseline_design(network, channels, precoder="mrt", **kwargs)  # type: ignore[arg-type]


def zero_forcing(network: Network, channels: Channels, **kwargs: object) -> TransmitDesign:
    """Intra-cell zero-forcing (h_{b,k}^H w_{b,j} = 0 for j != k in the cell); see :func:`baseline_design`."""
    return baseline_design(network, channels, precoder="zf", **kwargs)  # type: ignore[arg-type]


def regularized_zf(network: Network, channels: Channels, **kwargs: object) -> TransmitDesign:
    """Regularised ZF (regulariser K sigma^2 / P); see :func:`baseline_design`."""
    return baseline_design(network, channels, precoder="rzf", **kwargs)  # type: ignore[arg-type]

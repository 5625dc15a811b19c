"""The registry of problem kinds: the ``kind`` of a problem file or sweep design -> its class.

Problem files (:mod:`isacopt.io`), sweeps and the command line look a kind up here, so that a new
problem family is one line in ``KINDS`` and the union below, not an edit of the file formats.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from .cooperative import CooperativeISAC
from .coordinated.baseline import BaselineDesign
from .coordinated.coordinated import CoordinatedBeamforming
from .selection import CellAssociation, ClusterSelection

# kind -> class: each class's ``kind`` field holds the same literal
KINDS: dict[str, type] = {cls.model_fields["kind"].default: cls for cls in (
    CoordinatedBeamforming, CooperativeISAC, BaselineDesign, ClusterSelection, CellAssociation)}

ProblemSpec = Annotated[Union[CoordinatedBeamforming, CooperativeISAC, BaselineDesign, ClusterSelection,
                              CellAssociation],
                        Field(discriminator="kind")]

"""Small numerical studies behind the docs' claims (each tested)."""

from .crlb_scaling import ScalingResult, crlb_vs_cluster_size
from .localisation_scaling import LawResult, crlb_laws

__all__ = ["LawResult", "ScalingResult", "crlb_laws", "crlb_vs_cluster_size"]

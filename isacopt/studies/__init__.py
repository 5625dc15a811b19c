"""Small numerical studies behind the docs' claims (each tested)."""

from .crlb_scaling import ScalingResult, crlb_vs_cluster_size

__all__ = ["ScalingResult", "crlb_vs_cluster_size"]

"""Coordinated beamforming's weighted trade-off: w * (normalised worst beampattern gain) + (1 - w) * (worst
normalised SINR margin), maximised (dimensionless)."""

from .base import Objective


class WeightedTradeoff(Objective):
    name = "weighted"
    unit = "1"
    maximise = True
    needs = "targets"
    description = "weighted sensing gain and SINR margin, both normalised"

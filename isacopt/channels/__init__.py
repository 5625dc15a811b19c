"""Channels (SPEC.md sections 1-2): path gain, steering vectors, fading, cross-links."""

from .arrays import azimuth, steering, steering_derivative
from .derive import Channels, derive_channels
from .pathloss import path_gain, radar_gain, reference_gain

__all__ = ["Channels", "azimuth", "derive_channels", "path_gain", "radar_gain", "reference_gain", "steering",
           "steering_derivative"]

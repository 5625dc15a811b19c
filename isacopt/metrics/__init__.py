"""Metric functions: pure numpy functions of (network, channels, design)."""

from .angle_crb import angle_crb
from .backhaul import backhaul_load, joint_transmission_rates
from .comm import rate, sinr, stream_powers
from .network import area_spectral_efficiency, coverage, energy_efficiency, in_window, window_area_km2
from .position_crlb import crlb_from_fim, position_crlb, position_fim
from .secrecy import eavesdropper_beampattern, eavesdropper_sinr, secrecy_rates
from .sensing import beampattern, radar_rate, sensing_sinr, target_beampattern

__all__ = [
    "angle_crb", "area_spectral_efficiency", "backhaul_load", "beampattern", "coverage", "crlb_from_fim",
    "eavesdropper_beampattern", "eavesdropper_sinr", "energy_efficiency", "in_window", "joint_transmission_rates", "position_crlb", "position_fim", "radar_rate",
    "rate", "secrecy_rates", "sensing_sinr", "sinr", "stream_powers", "target_beampattern", "window_area_km2",
]

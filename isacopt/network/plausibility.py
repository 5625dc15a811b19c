"""Warnings for values that are valid but physically implausible: the usual unit slips.

Hard limits (what the model cannot accept) are validation errors; these ranges only flag what
is far from any cellular ISAC deployment, like a 5 kW base station or -20 dBm of noise over 50 MHz.
The warning names the field, the value and the range, and the computation goes on: exotic studies
are allowed. What is checked is exactly the ranges below. A slip whose result lands inside a range
is not caught: 46 dBm typed as ``power_w: 46`` is a plausible 46 W macro BS, and 40 W typed in kW
(0.04) a plausible small cell; hence ``power_dbm`` for those who think in dBm.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from ..errors import PlausibilityWarning

if TYPE_CHECKING:
    from .model import Network

# (low, high, unit, hint)
SYSTEM = {
    "carrier_hz": (1e8, 3e11, "Hz", "carrier_hz is in hertz (5 GHz = 5.0e9)"),
    "bandwidth_hz": (1e4, 5e9, "Hz", "bandwidth_hz is in hertz (50 MHz = 50.0e6)"),
    "noise_dbm": (-160.0, -30.0, "dBm", "noise_dbm is the total noise power over the band in dBm"),
}
NODES = {
    "base_stations": {"power_w": (1e-4, 500.0, "W", "power_w is in watts (46 dBm = 40 W); write power_dbm: 46 to give dBm"),
                      "backhaul_bps": (1e3, 1e13, "bit/s", "backhaul_bps is in bit/s (1 Gbit/s = 1.0e9); 0 means none")},
    "targets": {"rcs_m2": (1e-5, 1e4, "m^2", "rcs_m2 is a radar cross-section in square metres")},
}
MAX_EXTENT_M = 2e5  # positions more than 200 km apart: kilometres entered as metres?


def check(network: "Network") -> list[str]:
    """Messages for every implausible value of ``network`` (empty when all is plausible)."""
    out = []
    for name, (lo, hi, unit, hint) in SYSTEM.items():
        v = getattr(network.system, name)
        if not lo <= v <= hi:
            out.append(f"system.{name} = {v:g} {unit} is outside the plausible range [{lo:g}, {hi:g}]; {hint}")
    for kind, fields in NODES.items():
        for name, (lo, hi, unit, hint) in fields.items():
            for i, node in enumerate(getattr(network, kind)):
                v = getattr(node, name)
                if v is not None and v != 0 and not lo <= v <= hi:
                    out.append(f"{kind}[{i}].{name} = {v:g} {unit} is outside the plausible range "
                               f"[{lo:g}, {hi:g}]; {hint}")
                    break  # one message per field is enough; the others are usually the same slip
    extent = max(float(network.bs_positions.max(initial=0) - network.bs_positions.min(initial=0)), 0.0)
    if extent > MAX_EXTENT_M:
        out.append(f"base_stations: positions span {extent / 1e3:.0f} km; positions are in metres")
    return out


def warn_implausible(network: "Network") -> None:
    messages = check(network)
    if messages:
        warnings.warn("implausible values (computing anyway):\n  " + "\n  ".join(messages),
                      PlausibilityWarning, stacklevel=4)

"""Base stations, users, targets and the evaluation window of a snapshot."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from .._model import FrozenModel

Point = tuple[float, float]
_ID = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$", description="unique id")


class BaseStation(FrozenModel):
    """An ISAC base station with a ULA of ``tx_antennas`` / ``rx_antennas`` elements."""

    id: str = _ID
    position_m: Point = Field(description="(x, y) [m]")
    tx_antennas: int = Field(ge=1, le=1024, description="Nt, transmit ULA elements")
    rx_antennas: int = Field(ge=1, le=1024, description="Nr, receive ULA elements")
    orientation_deg: float = Field(0.0, ge=-360, le=360, description="array axis psi_b from +x [deg]")
    power_w: float = Field(gt=0, le=1e5, description="transmit power budget P_b [W] (or give power_dbm instead)")
    backhaul_bps: float | None = Field(None, ge=0, le=1e15, description="backhaul capacity C_b [bit/s]; None = unlimited")
    circuit_power_w: float = Field(0.0, ge=0, le=1e6, description="static circuit power [W]")

    @model_validator(mode="before")
    @classmethod
    def _power_in_dbm(cls, data):
        """``power_dbm`` is accepted in place of ``power_w`` (46 dBm = 39.8 W): a dBm figure typed as watts
        (46 W is a plausible macro power) cannot be caught by any range, so let users write what they mean."""
        if not isinstance(data, dict) or "power_dbm" not in data:
            return data
        data = dict(data)
        dbm = data.pop("power_dbm")
        if "power_w" in data:
            raise ValueError("give power_w [W] or power_dbm [dBm], not both")
        if not isinstance(dbm, (int, float)) or isinstance(dbm, bool) or not -40 <= dbm <= 80:
            raise ValueError(f"power_dbm must be a number of dBm in [-40, 80] (46 dBm = 40 W), got {dbm!r}")
        data["power_w"] = 10 ** ((float(dbm) - 30) / 10)
        return data


class User(FrozenModel):
    """A single-antenna communication user."""

    id: str = _ID
    position_m: Point = Field(description="(x, y) [m]")
    sinr_db: float | None = Field(None, ge=-50, le=80, description="SINR target [dB]; None = no target")
    receiver: Literal["type1", "type2"] = Field(
        "type1", description="type1 treats the sensing signal as interference; type2 cancels it"
    )


class Target(FrozenModel):
    """A point target to be sensed."""

    id: str = _ID
    position_m: Point = Field(description="(x, y) [m]")
    rcs_m2: float = Field(1.0, gt=0, le=1e6, description="radar cross-section sigma_rcs [m^2]")
    root_crlb_m: float | None = Field(None, gt=0, le=1e6, description="required root position CRLB [m]")


class Eavesdropper(FrozenModel):
    """An unauthorised single-antenna receiver: no user's data may reach it above ``max_sinr_db``. It sees
    every other stream and the sensing signals as interference (the sensing signal doubles as artificial
    noise)."""

    id: str = _ID
    position_m: Point = Field(description="(x, y) [m]")
    max_sinr_db: float = Field(ge=-50, le=80, description="largest SINR [dB] of any user's data at it")
    max_beampattern_w: float | None = Field(None, gt=0, le=1e6, description="sensing privacy: every BS's transmit "
                                            "beampattern gain a^H R_b a toward it at most this [W] (None: no cap)")


class Window(FrozenModel):
    """Axis-aligned evaluation window W of the network metrics (SPEC.md section 8)."""

    lower_m: Point = Field(description="(x_min, y_min) [m]")
    upper_m: Point = Field(description="(x_max, y_max) [m]")

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if not (self.upper_m[0] > self.lower_m[0] and self.upper_m[1] > self.lower_m[1]):
            raise ValueError(f"window.upper_m {self.upper_m} must exceed window.lower_m {self.lower_m} in x and y")
        return self

    @property
    def area_km2(self) -> float:
        """Area of the window [km^2]."""
        return (self.upper_m[0] - self.lower_m[0]) * (self.upper_m[1] - self.lower_m[1]) / 1e6

    def contains(self, point: Point) -> bool:
        """True if ``point`` (x, y) [m] lies in the window (edges included)."""
        return self.lower_m[0] <= point[0] <= self.upper_m[0] and self.lower_m[1] <= point[1] <= self.upper_m[1]

    def contains_all(self, points) -> "np.ndarray":
        """:meth:`contains` of every row of ``points`` (n, 2) [m] at once: a boolean (n,) array."""
        p = np.asarray(points, dtype=float).reshape(-1, 2)
        return ((self.lower_m[0] <= p[:, 0]) & (p[:, 0] <= self.upper_m[0])
                & (self.lower_m[1] <= p[:, 1]) & (p[:, 1] <= self.upper_m[1]))

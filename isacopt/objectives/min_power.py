"""Minimise the total transmit power sum_b tr(R_b) [W] under the problem's constraints (both families)."""

from .base import Objective


class MinPower(Objective):
    name = "min_power"
    unit = "W"
    description = "total transmit power"

"""Minimise the largest position CRLB over the targets [m^2]."""

import numpy as np

from .base import Objective


class MinMaxCrlb(Objective):
    name = "min_max_crlb"
    unit = "m^2"
    needs = "targets"
    crlb = True
    description = "largest position CRLB over the targets"

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(np.max(ev.position_crlb))

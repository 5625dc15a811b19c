"""Minimise the sum (or the largest) of the targets' monostatic angle CRBs at their sensing heads [rad^2]."""

from .base import Objective


class MinAngleCrb(Objective):
    name = "min_angle_crb"
    unit = "rad^2"
    needs = "targets"
    description = "angle CRB at the sensing heads (sum or largest, as crb says)"

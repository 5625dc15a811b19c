"""Maximise the network's energy efficiency B sum_k r_k / sum_b (tr(R_b) / eta + P_circuit,b) [bit/J]
(SPEC.md 8): Dinkelbach's method over successive convex approximations of the rates, with an upper
bound from the interference-free rates (see ``isacopt.cooperative.energy``)."""

from .base import Objective


class MaxEnergyEfficiency(Objective):
    name = "max_energy_efficiency"
    unit = "bit/J"
    maximise = True
    needs = "users"
    description = "bits per joule over the network: B sum_k r_k / sum_b (tr R_b / eta + P_circuit)"
    local = True  # certified optimal only where the interference-free bound meets the design (energy.py)
    fractional = True
    search_refusal = "is solved to a local optimum in general; a search needs sub-problems solved to optimality"

    @classmethod
    def value(cls, opts, data, ev, design) -> float:
        return float(ev.network.energy_efficiency_bit_j)

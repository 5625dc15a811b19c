"""A sub-problem of the max-min-rate bisection (not a problem-file objective): the smallest utilisation
alpha with tr(R_b) <= alpha P_b at every BS. It is always feasible, so it is well posed at the edge of
feasibility, and alpha <= 1 certifies a bisection level."""

import cvxpy as cp
import numpy as np

from .base import Objective


class MinUtilisation(Objective):
    name = "min_utilisation"
    unit = "1"
    description = "largest fraction of a BS's power budget the design needs"
    power_budget = False  # the budgets are scaled by alpha, not imposed

    @classmethod
    def expression(cls, compiled):
        compiled.alpha = cp.Variable(nonneg=True, name="utilisation")
        compiled.budget = cp.Parameter(compiled.n_bs, nonneg=True, name="budget_w")
        compiled.budget_scale = compiled.alpha  # per-BS power splits scale with it too
        rows = [compiled.vars.power(b) <= compiled.alpha * compiled.budget[b] for b in range(compiled.n_bs)]
        return cp.Minimize(compiled.alpha), rows

    @classmethod
    def update(cls, compiled, data) -> None:
        compiled.budget.value = np.array([data.budget(b) for b in range(data.network.n_bs)])

    @classmethod
    def bound_si(cls, compiled, data, value):
        return None  # a bisection step's utilisation bounds no objective the user asked for

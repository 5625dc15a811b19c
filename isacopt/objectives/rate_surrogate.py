"""A sub-problem of the sum-rate search (not a problem-file objective): successive convex approximation
of sum_k log(1 + SINR_k) = sum_k [log(1 + I_k + S_k) - log(1 + I_k)], the concave part kept, the
convex part -log(1 + I_k) linearised at the current point (slope c_k = 1 / (1 + I_k))."""

import cvxpy as cp

from .base import Objective


class RateSurrogate(Objective):
    name = "rate_sca"
    unit = "nat/s/Hz"
    maximise = True
    description = "surrogate sum rate at the current linearisation point"

    @classmethod
    def expression(cls, compiled):
        rx, v, users = compiled.rx, compiled.vars, compiled.all_users
        compiled.sca_slope = cp.Parameter(len(users), nonneg=True, name="sca_slope")
        rows = backhaul_caps(compiled, users)
        return cp.Maximize(cp.sum([cp.log(1 + rx.received(v, k)) - compiled.sca_slope[i] * rx.interference(v, k)
                                   for i, k in enumerate(users)])), rows

    @classmethod
    def bound_si(cls, compiled, data, value):
        return None  # a surrogate's optimum bounds nothing: the sum rate is a local optimum


def backhaul_caps(compiled, users) -> list:
    """Backhaul with rates free (SPEC.md 7): for every BS b that receives shared data,
    B sum_{k shared by b} r_k <= C_b - sensing load. r_k is bounded above by the tangent of
    log(1 + received) at the current point minus log(1 + interference): a convex, conservative cap."""
    compiled.cap = {b: cp.Parameter(nonneg=True, name=f"rate_cap_{b}") for b in compiled.shared}
    compiled.tangent = cp.Parameter(len(users), nonneg=True, name="sca_tangent")
    compiled.offset = cp.Parameter(len(users), name="sca_offset")
    v, rx, out = compiled.vars, compiled.rx, []
    for b, ks in compiled.shared.items():
        upper = [compiled.offset[users.index(k)] + compiled.tangent[users.index(k)] * rx.received(v, k)
                 - cp.log(1 + rx.interference(v, k)) for k in ks]
        out.append(cp.sum(upper) <= compiled.cap[b])
    return out

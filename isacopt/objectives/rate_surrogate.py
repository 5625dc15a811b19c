"""A sub-problem of the sum-rate search (not a problem-file objective): successive convex approximation
of sum_k log(1 + SINR_k) = sum_k [log(1 + I_k + S_k) - log(1 + I_k)], the concave part kept, the
convex part -log(1 + I_k) linearised at the current point (slope c_k = 1 / (1 + I_k))."""

import cvxpy as cp
import numpy as np

from .base import Objective


class RateSurrogate(Objective):
    name = "rate_sca"
    unit = "nat/s/Hz"
    maximise = True
    description = "surrogate sum rate at the current linearisation point"

    @classmethod
    def expression(cls, compiled):
        users = compiled.all_users
        received, interference = user_powers(compiled, users)
        # the slope multiplies a variable bounding the interference from above (tight at the optimum, where
        # the objective pushes it down), not the Parameter-affine expression itself: a Parameter times a
        # Parameter-affine expression is outside cvxpy's DPP rules, and the surrogate would be canonicalised
        # afresh at every step (about 0.5 s each at seven cells). An upper bound, not an equality: equality
        # rows tying such variables to the covariances made Clarabel fail on some CoMP snapshots.
        above = cp.Variable(len(users), name="interference_bound")
        compiled.sca_slope = cp.Parameter(len(users), nonneg=True, name="sca_slope")
        rows = [above >= interference] + backhaul_caps(compiled, users, received, interference)
        return cp.Maximize(cp.sum(cp.log(1 + received)) - compiled.sca_slope @ above), rows

    @classmethod
    def bound_si(cls, compiled, data, value):
        return None  # a surrogate's optimum bounds nothing: the sum rate is a local optimum


def user_powers(compiled, users) -> tuple[cp.Expression, cp.Expression]:
    """Every user's received and interference power (noise units) as expressions of the covariances, kept on
    ``compiled`` for reading a solved step's powers (built once, not per step)."""
    rx, v = compiled.rx, compiled.vars
    compiled.user_powers = (cp.hstack([rx.received(v, k) for k in users]),
                            cp.hstack([rx.interference(v, k) for k in users]))
    return compiled.user_powers


def backhaul_caps(compiled, users, received, interference) -> list:
    """Backhaul with rates free (SPEC.md 7): for every BS b that receives shared data,
    B sum_{k shared by b} r_k <= C_b - sensing load. r_k is bounded above by the tangent of
    log(1 + received) at the current point minus log(1 + interference): a convex, conservative cap."""
    compiled.cap = {b: cp.Parameter(nonneg=True, name=f"rate_cap_{b}") for b in compiled.shared}
    compiled.tangent = cp.Parameter(len(users), nonneg=True, name="sca_tangent")
    compiled.offset = cp.Parameter(len(users), name="sca_offset")
    if not compiled.shared:
        return []
    # the tangent multiplies a variable bounding the received power from above (the row only tightens) for
    # DPP as above; every user's cap once, summed per BS by a constant 0/1 matrix (rows per user with indexed
    # Parameters made cvxpy's DPP compilation 4-6 times dearer: 15 s instead of 2.7 s for 3 BSs, 11 users)
    above = cp.Variable(len(users), name="received_bound")
    cap = compiled.offset + cp.multiply(compiled.tangent, above) - cp.log(1 + interference)
    bss = list(compiled.shared)
    members = np.zeros((len(bss), len(users)))
    for row, b in enumerate(bss):
        members[row, [users.index(k) for k in compiled.shared[b]]] = 1.0
    return [above >= received, members @ cap <= cp.hstack([compiled.cap[b] for b in bss])]

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
        received, interference, rows = user_powers(compiled, users)
        compiled.sca_slope = cp.Parameter(len(users), nonneg=True, name="sca_slope")
        rows += backhaul_caps(compiled, users, received, interference)
        return cp.Maximize(cp.sum(cp.log(1 + received) - cp.multiply(compiled.sca_slope, interference))), rows

    @classmethod
    def bound_si(cls, compiled, data, value):
        return None  # a surrogate's optimum bounds nothing: the sum rate is a local optimum


def user_powers(compiled, users) -> tuple[cp.Variable, cp.Variable, list]:
    """Variables equal to each user's received and interference power (noise units), with the rows that tie
    them to the covariances. The linearisation's Parameters multiply these, never the channel-parametrised
    expressions themselves: a Parameter times a Parameter-affine expression is outside cvxpy's DPP rules,
    and the surrogate would be canonicalised afresh at every step (about 1 s each at 7 cells)."""
    rx, v = compiled.rx, compiled.vars
    received, interference = cp.Variable(len(users), name="received"), cp.Variable(len(users), name="interference")
    # kept for reading the powers of a solved step from the covariances (built once, not per step)
    compiled.user_powers = (cp.hstack([rx.received(v, k) for k in users]),
                            cp.hstack([rx.interference(v, k) for k in users]))
    rows = [received == compiled.user_powers[0], interference == compiled.user_powers[1]]
    return received, interference, rows


def backhaul_caps(compiled, users, received, interference) -> list:
    """Backhaul with rates free (SPEC.md 7): for every BS b that receives shared data,
    B sum_{k shared by b} r_k <= C_b - sensing load. r_k is bounded above by the tangent of
    log(1 + received) at the current point minus log(1 + interference): a convex, conservative cap."""
    compiled.cap = {b: cp.Parameter(nonneg=True, name=f"rate_cap_{b}") for b in compiled.shared}
    compiled.tangent = cp.Parameter(len(users), nonneg=True, name="sca_tangent")
    compiled.offset = cp.Parameter(len(users), name="sca_offset")
    if not compiled.shared:
        return []
    # every user's rate cap once, summed per BS by a constant 0/1 matrix: rows written per user with indexed
    # Parameters (tangent[i] * received[i]) made cvxpy's DPP compilation 10-70x dearer (seconds at 3-7 BSs)
    cap = compiled.offset + cp.multiply(compiled.tangent, received) - cp.log(1 + interference)
    bss = list(compiled.shared)
    members = np.zeros((len(bss), len(users)))
    for row, b in enumerate(bss):
        members[row, [users.index(k) for k in compiled.shared[b]]] = 1.0
    return [members @ cap <= cp.hstack([compiled.cap[b] for b in bss])]

"""Which tuples have a design at all (SPEC.md section 10): streams plus nulls within Nt, per BS.

The nominal count assumes every BS fully loaded (K served users, M probed targets at every BS); a BS of
a snapshot never needs more, so a tuple admitted here is never refused on a snapshot, and a tuple refused
here is refused for the model as a whole (the stochastic-geometry analysis has no meaning for it).
"""

from __future__ import annotations

from typing import Any


def nominal_demand(problem, nt: int, nr: int) -> tuple[int, int]:
    """(streams, nulls) of a fully loaded BS for ``problem``'s K, M, L, Q and options."""
    k = problem.users_per_bs if problem.users_per_bs is not None else 0
    m = problem.targets_per_bs if problem.targets_per_bs is not None else 0
    rank = getattr(problem, "sensing_null_rank", "full")
    per_receiver = {"full": min(nr, nt), "beam": m, "los": 1}[rank]
    nulls = (problem.comm_cluster - 1) * k + (problem.sensing_cluster - 1) * per_receiver
    if problem.kind == "baseline":
        dedicated = problem.sensing_streams == "dedicated" and problem.sensing != "none"
        streams = k + (m if dedicated else 0)
    else:  # an SDP needs a dimension per user and one for its sensing covariance
        streams = max(k, 1 if m else 0)
    return streams, nulls


def refusal(problem, nt: int, nr: int) -> str:
    """Why a fully loaded BS has no design ('' when it has one)."""
    streams, nulls = nominal_demand(problem, nt, nr)
    if streams + nulls <= nt:
        return ""
    return (f"Nt = {nt} < {streams} streams + {nulls} nulls (K = {problem.users_per_bs}, M = {problem.targets_per_bs}, "
            f"L = {problem.comm_cluster}, Q = {problem.sensing_cluster}, sensing_null_rank "
            f"{getattr(problem, 'sensing_null_rank', 'full')!r})")


def describe(values: dict[str, Any]) -> str:
    """A tuple as 'K=2 M=1 L=2 Q=1' (problem keys with a symbol), other keys by name."""
    symbols = {"users_per_bs": "K", "targets_per_bs": "M", "comm_cluster": "L", "sensing_cluster": "Q",
               "max_users_per_bs": "K"}
    return " ".join(f"{symbols.get(k, k)}={v}" for k, v in values.items())

"""Which way a coordinated-beamforming relaxation is solved: the cvxpy SDP (or SOCP), or the certified
subspace method with the SDP as its fallback (``relaxation``). Kept apart from both so that neither
imports the other's caller."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formulation.data import SnapshotData
from ..solve.runner import Attempt
from ..solve.subspace import proven_infeasible
from .optimise import Outcome, explain_infeasible, optimise_compiled
from .structure import Structure
from .subspace import by_subspaces

if TYPE_CHECKING:
    from .coordinated import CoordinatedBeamforming


def optimise(opts: "CoordinatedBeamforming", data: SnapshotData, st: Structure, chain: tuple[Attempt, ...],
             time_limit_s: float | None) -> Outcome:
    """Solve the relaxation of ``data`` the way ``opts.method`` says; the outcome records every attempt."""
    if opts.method == "subspace":
        out = Outcome("failed", data)
        if by_subspaces(opts, data, st, time_limit_s, out):
            return out
        if proven_infeasible(out.records) and not opts.objective_class.bisection:
            return explain_infeasible(opts, data, st, out)
        # not certified (or infeasible): the same relaxation with cvxpy names the conflicts or solves it
        fallback = optimise_compiled(opts, data, st, chain, time_limit_s, "sdp")
        fallback.records[:0] = out.records
        return fallback
    return optimise_compiled(opts, data, st, chain, time_limit_s, opts.method)

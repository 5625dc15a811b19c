"""The successive-convex-approximation searches (max_sum_rate, max_energy_efficiency) compile each surrogate
once: a step moves the linearisation point by assigning Parameters, and a new snapshot of the same structure
re-uses the compiled programs. Their Parameters multiply variables bounding the users' interference and
received powers from above, never the channel-parametrised expressions, which cvxpy's DPP rules would
refuse (each step was canonicalised afresh: about 0.5 s per step at seven cells)."""

import pytest

from isacopt.cooperative import CooperativeISAC
from tests.helpers import SCA_OPTS, sca_network as _net

OPTS = {**SCA_OPTS, "relaxation": "sdp"}  # the cvxpy path (the default solves the surrogates on subspaces)


@pytest.mark.parametrize("objective", ["max_sum_rate", "max_energy_efficiency"])
def test_surrogates_are_dpp_and_a_new_snapshot_recompiles_nothing(objective):
    problem = CooperativeISAC(objective=objective, **OPTS)
    first = problem.solve(_net(30))
    assert first.status in ("local_optimum", "optimal") and first.certificate.holds, first.reason
    compiled = list(problem._cache.values())
    assert compiled and all(c.problem.is_dpp() for c in compiled)
    programs = [c.problem._cache.param_prog for c in compiled]
    assert all(p is not None for p in programs)  # compiled as parametrised programs, not per solve
    again = problem.solve(_net(31))
    assert not again.timing.recompiled
    assert [c.problem._cache.param_prog for c in problem._cache.values()] == programs  # the same objects
    fresh = CooperativeISAC(objective=objective, **OPTS).solve(_net(31))
    assert again.objective == pytest.approx(fresh.objective, rel=1e-6)

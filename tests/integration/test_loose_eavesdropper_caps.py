"""A loose eavesdropper cap (60-80 dB: the end of a secrecy sweep, where the cap no longer binds) leaves the
reference SDP solvable: each cap's row is divided by max(1, its cap), so its coefficients stay of the order
of the channels. Multiplied by the cap (1e6-1e8), they made Clarabel end the cvxpy path "inaccurate" or fail
in every attempt of the chain (with a loose sensing-privacy cap beside it). The independent check: a cap
that cannot bind changes nothing, so the optimum is the one without eavesdroppers."""

import pytest

import isacopt as iso


def _with_eavesdroppers(net, max_sinr_db, max_beampattern_w):
    """An eavesdropper 32 m from every third user."""
    return net.with_updates(eavesdroppers=[
        {"id": f"e{i}", "position_m": (u.position_m[0] + 25.0, u.position_m[1] - 20.0), "max_sinr_db": max_sinr_db,
         "max_beampattern_w": max_beampattern_w} for i, u in enumerate(net.users[::3])])


@pytest.mark.parametrize("catalogue, cap_db", [
    ("problems/hex-7cell-comp-radar.yaml", 80.0),     # cooperative (CoMP, radar clusters): solver_failure before
    ("problems/hex-7cell-sensing-nulling.yaml", 60.0),  # coordinated (sensing nulls): solver_failure before
])
def test_a_cap_that_cannot_bind_leaves_the_reference_sdp_optimal(catalogue, cap_db):
    spec = iso.load_problem(catalogue)
    net = spec.network()
    problem = spec.problem.model_copy(update={"relaxation": "sdp"})
    free = problem.solve(net)
    capped = problem.solve(_with_eavesdroppers(net, cap_db, 1e6))
    assert free.status == "optimal", free.reason
    assert capped.status == "optimal" and capped.certificate.holds, (capped.status, capped.attempts)
    assert capped.objective == pytest.approx(free.objective, rel=1e-6)

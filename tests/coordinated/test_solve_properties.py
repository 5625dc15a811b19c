"""Hypothesis on the solve path: any valid snapshot gives a status (certified when solved) or our error."""

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import isacopt as iso
from isacopt.coordinated import CoordinatedBeamforming

EXAMPLES = int(os.environ.get("ISACOPT_FUZZ_SOLVES", 12))


@st.composite
def cases(draw):
    n_bs = draw(st.integers(1, 3))
    nt = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 10**6)))
    bss = [{"id": f"b{b}", "position_m": (400.0 * b, 0.0), "tx_antennas": nt, "rx_antennas": 2,
            "power_w": float(draw(st.sampled_from([0.1, 1.0, 10.0])))} for b in range(n_bs)]
    users = [{"id": f"u{k}", "position_m": (400.0 * (k % n_bs) + rng.uniform(20, 150) * np.cos(a := rng.uniform(0, 6.28)),
                                             rng.uniform(20, 150) * np.sin(a)),
              "sinr_db": float(draw(st.sampled_from([-5.0, 5.0, 15.0, 40.0]))),
              "receiver": draw(st.sampled_from(["type1", "type2"]))} for k in range(draw(st.integers(0, 3)))]
    targets = [{"id": f"t{t}", "position_m": (400.0 * (t % n_bs) + 90.0, 60.0 + 10 * t)}
               for t in range(draw(st.integers(0, 2)))]
    net = iso.Network(base_stations=bss, users=users, targets=targets,
                     channels=draw(st.sampled_from([{"model": "los"}, {"model": "rayleigh", "seed": 1}])))
    problem = CoordinatedBeamforming(
        objective=draw(st.sampled_from(["min_power", "max_min_beampattern", "min_angle_crb", "max_min_sinr"])),
        comm_cluster=draw(st.integers(1, n_bs)), sensing_cluster=draw(st.integers(1, n_bs)),
        sensing_streams=draw(st.booleans()), bisection_tol_db=0.5, randomisations=2)
    return net, problem


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_valid_snapshots_solve_or_return_a_status(case):
    net, problem = case
    try:
        sol = problem.solve(net)
    except iso.ValidationError as err:  # objective needs targets/users, DoF refusal, unobservable angle...
        assert err.problems
        return
    assert sol.status in ("optimal", "optimal_reduced_accuracy", "infeasible", "solver_failure")
    if sol.ok:
        assert sol.certificate.holds and np.isfinite(sol.objective)
    if sol.status == "infeasible":
        assert sol.reason
    assert iso.Solution.from_json(sol.to_json()).status == sol.status

"""Nulling, DoF refusal, compile-once re-solves, unit scaling, infeasibility naming, options."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.coordinated import CoordinatedBeamforming
from isacopt.channels import derive_channels
from isacopt.metrics import sinr
from isacopt.results import Solution
from tests.helpers import one_bs, small_multicell
from tests.independent import recheck_comm


def test_comm_nulls_remove_interference_into_neighbour_users():
    net = small_multicell(1, nt=6, sinr_db=3.0)
    sol = CoordinatedBeamforming(objective="min_power", comm_cluster=2).solve(net)
    assert sol.status == "optimal"
    ch = derive_channels(net)
    d = sol.design
    checked = 0
    for b, bs in enumerate(sol.base_stations):
        r = d.covariance(b)
        served = np.real(np.trace(r))
        for uid in bs.nulled_users:
            k = int(uid[1:])
            h = ch.comm[b][k]
            leak = np.real(np.vdot(h, r @ h))  # data beams and sensing signal alike
            assert leak <= 1e-9 * np.vdot(h, h).real * served
            checked += 1
        # rank spent on nulls, counted from the channel matrices (LoS: one direction per nulled user)
        stacked = np.array([ch.comm[b][int(uid[1:])].conj() for uid in bs.nulled_users]).reshape(-1, 6)
        rank = int(np.linalg.matrix_rank(stacked, tol=1e-9 * max(np.abs(stacked).max(initial=0), 1e-300))) \
            if len(stacked) else 0
        assert bs.nulls == rank and bs.dof == 6 - rank
    assert checked > 0 and sol.certificate.null_leakage <= 1e-9


def test_sensing_nulls_protect_neighbour_receivers():
    net = small_multicell(2, nt=6, sinr_db=0.0, channels={"model": "los"})
    sol = CoordinatedBeamforming(objective="max_min_beampattern", sensing_cluster=2).solve(net)
    assert sol.status == "optimal"
    ch = derive_channels(net)
    for j, bs in enumerate(sol.base_stations):
        assert bs.protected_bs  # every BS protects its nearest neighbour
        for other in bs.protected_bs:
            b = int(other[2:])
            g = ch.crosslink[b][j]
            r = sol.design.covariance(j)
            assert np.linalg.norm(g @ r @ g.conj().T) <= 1e-9 * np.linalg.norm(g) ** 2 * np.trace(r).real


def test_dof_refusal_names_bs_antennas_rank_and_streams():
    net = small_multicell(0, nt=4, users_per_bs=2)
    with pytest.raises(iso.DegreesOfFreedomError) as exc:
        CoordinatedBeamforming(objective="min_power", comm_cluster=3).solve(net)
    msg = str(exc.value)
    assert "base_stations[0] (bs0)" in msg and "Nt = 4" in msg and "4 spent on nulls" in msg and "2 streams" in msg
    assert "base_stations[2] (bs2)" in msg  # every BS short of DoF is named at once


def test_cluster_larger_than_network_refused():
    with pytest.raises(iso.ValidationError, match="comm_cluster: 5 is larger than the number of base stations"):
        CoordinatedBeamforming(comm_cluster=5).solve(small_multicell(0))


def test_second_solve_reuses_the_compiled_problem_and_matches_a_fresh_build():
    problem = CoordinatedBeamforming(objective="max_min_beampattern", sinr_db=4.0, relaxation="sdp")  # cvxpy's cache
    first = problem.solve(small_multicell(10))
    second = problem.solve(small_multicell(11))  # same shapes, new positions and fading
    assert first.timing.recompiled and not second.timing.recompiled
    assert problem.compiled_count() == 1
    fresh = CoordinatedBeamforming(objective="max_min_beampattern", sinr_db=4.0, relaxation="sdp").solve(small_multicell(11))
    assert second.objective == pytest.approx(fresh.objective, rel=1e-6)
    assert fresh.timing.recompiled


def test_sinrs_invariant_to_unit_scaling():
    """Channels times c and noise times c^2: the same optimal design and SINRs."""
    base = small_multicell(3, targets_per_bs=0)
    comm = np.stack(derive_channels(base).comm)
    c = 1e-3
    scaled = base.with_updates(channels=iso.ExplicitChannels.from_arrays(comm * c),
                               system={"noise_dbm": base.system.noise_dbm + 20 * math.log10(c)})
    ref = base.with_updates(channels=iso.ExplicitChannels.from_arrays(comm))
    a = CoordinatedBeamforming(objective="min_power").solve(ref)
    b = CoordinatedBeamforming(objective="min_power").solve(scaled)
    assert a.status == b.status == "optimal"
    assert a.objective == pytest.approx(b.objective, rel=1e-6)
    assert np.allclose([u.sinr_db for u in a.users], [u.sinr_db for u in b.users], atol=1e-5)


def test_infeasibility_names_the_user_whose_target_is_impossible():
    net = one_bs(nt=4, users=((100.0, 20.0), (-80.0, 90.0), (30.0, -140.0)), targets=(), sinr_db=5.0)
    users = list(net.users)
    users[1] = users[1].model_copy(update={"sinr_db": 60.0})  # 60 dB at 120 m with 1 W: impossible
    sol = CoordinatedBeamforming(objective="min_power").solve(net.with_updates(users=users))
    assert sol.status == "infeasible"
    assert any("u1" in c for c in sol.conflicts) and not any("u0" in c or "u2" in c for c in sol.conflicts)
    assert "u1" in sol.reason


def test_beampattern_floor_and_sensing_sinr_floor_are_met():
    net = one_bs(nt=8, users=((120.0, 40.0), (-60.0, 150.0)), targets=((200.0, -60.0),))
    sol = CoordinatedBeamforming(objective="min_power", beampattern_floor_w=2.0).solve(net)
    assert sol.status == "optimal"
    assert sol.targets[0].beampattern_gain_w >= 2.0 * (1 - 1e-6)
    sol = CoordinatedBeamforming(objective="min_power", sensing_sinr_db=-5.0).solve(net)
    assert sol.status == "optimal" and sol.targets[0].sensing_sinr_db >= -5.0 - 1e-5


def test_per_antenna_power():
    net = one_bs(nt=4, users=((120.0, 40.0),), targets=((-100.0, 100.0),))
    sol = CoordinatedBeamforming(objective="max_min_beampattern", per_antenna_power=True).solve(net)
    assert sol.status == "optimal"
    diag = np.real(np.diag(sol.design.covariance(0)))
    assert np.all(diag <= 0.25 * (1 + 1e-6))


def test_without_sensing_streams_the_design_uses_data_beams_only():
    net = one_bs(nt=6, users=((120.0, 40.0), (-60.0, 150.0)), targets=((200.0, -60.0),))
    sol = CoordinatedBeamforming(objective="max_min_beampattern", sensing_streams=False).solve(net)
    assert sol.status == "optimal"
    recheck_comm(net, sol)  # SINRs, targets and powers from the beams with plain numpy
    assert np.allclose(sol.design.sensing[0], 0)
    assert sol.certificate.extraction in ("eigen", "gaussian-randomisation")
    with_streams = CoordinatedBeamforming(objective="max_min_beampattern").solve(net)
    assert sol.objective <= with_streams.objective * (1 + 1e-6)


def test_explicit_serving_map_and_user_cap():
    net = small_multicell(6, n_bs=2)
    sol = CoordinatedBeamforming(objective="min_power", serving={"u0": "bs1"}).solve(net)
    assert sol.users[0].serving_bs == ["bs1"]
    with pytest.raises(iso.ValidationError, match="unknown base station"):
        CoordinatedBeamforming(serving={"u0": "bs9"}).solve(net)
    capped = CoordinatedBeamforming(objective="min_power", max_users_per_bs=1).solve(net)
    assert sum(1 for u in capped.users if u.serving_bs) == 2


def test_solution_json_round_trip_with_infinities(tmp_path):
    net = one_bs(nt=4, users=((100.0, 30.0),), targets=((150.0, 60.0),))
    sol = CoordinatedBeamforming(objective="max_min_beampattern").solve(net)
    assert math.isinf(sol.targets[0].root_crlb_m)  # one BS: ranging only
    text = sol.to_json(tmp_path / "s.json")
    assert '"Infinity"' in text
    back = Solution.from_json(text)
    assert back.model_dump() == sol.model_dump()  # every field, infinities included
    sol.save_design(tmp_path / "d.npz")
    with np.load(tmp_path / "d.npz") as npz:
        assert npz["beams_0"].shape == (4, 1)


def test_repr_round_trips_and_bad_options_named():
    p = CoordinatedBeamforming(objective="min_power", sinr_db=3.0, comm_cluster=2)

    assert eval(repr(p), {"CoordinatedBeamforming": CoordinatedBeamforming}) == p
    with pytest.raises(iso.ValidationError, match="objective"):
        CoordinatedBeamforming(objective="max_fun")
    with pytest.raises(iso.ValidationError, match="relaxation"):
        CoordinatedBeamforming(objective="max_min_beampattern", relaxation="socp").solve(one_bs())
    with pytest.raises(iso.ValidationError, match="needs at least one target"):
        CoordinatedBeamforming(objective="max_min_beampattern").solve(one_bs(targets=(), users=((50.0, 5.0),)))


def test_type2_receivers_from_the_network_are_used():
    net = small_multicell(7, nt=6)
    users = [u.model_copy(update={"receiver": "type2"}) for u in net.users]
    net2 = net.with_updates(users=users)
    sol = CoordinatedBeamforming(objective="max_min_beampattern").solve(net2)
    assert sol.status == "optimal"
    assert np.all(sinr(net2, derive_channels(net2), sol.design) >= 10 ** 0.5 * (1 - 1e-6))


def test_time_limit_and_solver_failure_are_statuses():
    from isacopt.solve.runner import Attempt

    net = small_multicell(0, nt=6)
    assert CoordinatedBeamforming(objective="max_min_beampattern").solve(net, time_limit_s=1e-5).status == "time_limit"
    problem = CoordinatedBeamforming(objective="max_min_beampattern", relaxation="sdp")  # the solver chain is cvxpy's
    assert problem.solve(net, time_limit_s=1e-5).status == "time_limit"
    starved = problem.solve(net, chain=(Attempt("three-iterations", "CLARABEL", {"max_iter": 3}),))
    assert starved.status == "solver_failure" and "three-iterations" in starved.reason
    with pytest.raises(iso.ValidationError, match="no_such_option"):
        problem.solve(net, chain=(Attempt("bogus", "CLARABEL", {"no_such_option": 1}),))


def test_bs_whose_nulls_take_every_dimension_transmits_nothing():
    net = iso.Network(base_stations=[{"id": f"b{i}", "position_m": (400.0 * i, 0.0), "tx_antennas": 1,
                                     "rx_antennas": 2, "power_w": 1.0} for i in range(2)])
    sol = CoordinatedBeamforming(objective="min_power", sensing_cluster=2).solve(net)
    assert sol.status == "optimal" and [b.dof for b in sol.base_stations] == [0, 0]
    assert sol.objective == pytest.approx(0.0, abs=1e-9)


def test_max_min_sinr_with_data_beams_only_reports_a_level_below_its_bound():
    net = one_bs(nt=3, users=((100.0, 20.0), (-80.0, 90.0), (30.0, -140.0)), targets=())
    sol = CoordinatedBeamforming(objective="max_min_sinr", sensing_streams=False, bisection_tol_db=0.05).solve(net)
    assert sol.status == "optimal"
    recheck_comm(net, sol)
    assert sol.objective == pytest.approx(min(u.sinr_db for u in sol.users), abs=1e-9)  # the worst, rechecked
    assert sol.objective <= sol.bound + 1e-6
    assert sol.objective == pytest.approx(min(u.sinr_db for u in sol.users), abs=1e-9)


def test_the_reported_sinr_target_is_the_one_imposed():
    """A user without its own sinr_db is held to the problem's target: the result says so (it said None), and
    the SINR recomputed from the design with plain numpy (SPEC 4, Type-I receivers) meets it."""
    import numpy as np

    from isacopt.channels import derive_channels

    net = iso.load_network("problems/hex-7cell.yaml")
    net = net.with_updates(users=[u.model_copy(update={"sinr_db": None if k % 2 else 1.0})
                                  for k, u in enumerate(net.users)])
    sol = CoordinatedBeamforming(objective="min_power", sinr_db=3.0).solve(net)
    assert sol.status == "optimal", sol.reason
    assert [u.sinr_target_db for u in sol.users] == pytest.approx([3.0 if k % 2 else 1.0 for k in range(net.n_users)])
    ch, d = derive_channels(net), sol.design
    noise_w = 10 ** ((net.system.noise_dbm - 30) / 10)
    for k, u in enumerate(sol.users):
        amp = [sum(np.vdot(ch.comm[b][k], d.beams[b][:, j]) for b in range(net.n_bs)) for j in range(net.n_users)]
        sensing = sum(np.real(np.vdot(ch.comm[b][k], d.sensing[b] @ ch.comm[b][k])) for b in range(net.n_bs))
        interference = sum(abs(a) ** 2 for j, a in enumerate(amp) if j != k) + sensing + noise_w
        assert 10 * np.log10(abs(amp[k]) ** 2 / interference) >= u.sinr_target_db - 1e-4

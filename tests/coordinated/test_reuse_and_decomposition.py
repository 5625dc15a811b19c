"""Compile once and re-solve; decomposed solves equal joint solves."""

import numpy as np
import pytest

import isacopt as iso
from isacopt.coordinated import CoordinatedBeamforming
from tests.helpers import small_multicell


def sensing_only(seed=0, n_bs=3):
    return small_multicell(seed, n_bs=n_bs, users_per_bs=0, targets_per_bs=2, channels={"model": "los"})


@pytest.mark.parametrize("objective,extra", [("max_min_beampattern", {}), ("weighted", {"weight": 0.5})])
def test_resolve_keeps_cvxpy_compiled_program(objective, extra):
    """The weighted trade-off's normalisers scale its levels, not the Parameter-affine gains and margins: a
    Parameter times a Parameter-affine expression is not DPP and would be canonicalised at every solve."""
    problem = CoordinatedBeamforming(objective=objective, sinr_db=3.0, relaxation="sdp", **extra)  # the cvxpy path
    planner = problem.compile(small_multicell(20))
    compiled = next(iter(problem._cache.values()))
    program = compiled.problem._cache.param_prog
    assert program is not None  # compiled ahead of the first solve
    sols = [planner.update(small_multicell(s)).solve() for s in (21, 22, 23)]
    assert compiled.problem._cache.param_prog is program  # never recompiled
    assert problem.compiled_count() == 1 and not any(s.timing.recompiled for s in sols)
    for seed, sol in zip((21, 22, 23), sols):
        fresh = CoordinatedBeamforming(objective=objective, sinr_db=3.0, relaxation="sdp",
                                       **extra).solve(small_multicell(seed))
        assert sol.objective == pytest.approx(fresh.objective, rel=1e-6)


def test_the_angle_crb_sdp_is_canonicalised_per_solve_with_each_snapshots_data():
    """Its matrix Parameters make DPP compilation dearer than solving (solve.runner): nothing is compiled
    ahead, and a re-solve of the same object with a new snapshot's data equals a fresh solve."""
    from isacopt.solve.runner import compiles_once

    problem = CoordinatedBeamforming(objective="min_angle_crb", relaxation="sdp")
    planner = problem.compile(small_multicell(20))
    compiled = next(iter(problem._cache.values()))
    assert not compiles_once(compiled.problem) and compiled.problem._cache.param_prog is None
    for seed in (21, 22):
        sol = planner.update(small_multicell(seed)).solve()
        fresh = CoordinatedBeamforming(objective="min_angle_crb", relaxation="sdp").solve(small_multicell(seed))
        assert sol.status == "optimal" and sol.objective == pytest.approx(fresh.objective, rel=1e-9)
    assert problem.compiled_count() == 1


def test_new_structure_compiles_its_own_problem():
    problem = CoordinatedBeamforming(objective="max_min_beampattern", sinr_db=3.0, relaxation="sdp")
    problem.solve(small_multicell(1, users_per_bs=2))
    sol = problem.solve(small_multicell(1, users_per_bs=1))
    assert sol.timing.recompiled and problem.compiled_count() == 2


@pytest.mark.parametrize("objective,extra", [("max_min_beampattern", {}), ("min_angle_crb", {"crb": "sum"}),
                                             ("min_angle_crb", {"crb": "max"}),
                                             ("min_power", {"beampattern_floor_w": 0.5})])
def test_sensing_only_network_decouples_per_bs(objective, extra):
    net = sensing_only(4)
    joint = CoordinatedBeamforming(objective=objective, decompose=False, **extra).solve(net)
    split = CoordinatedBeamforming(objective=objective, **extra).solve(net)
    assert joint.status == split.status == "optimal"
    assert split.objective == pytest.approx(joint.objective, rel=1e-5)
    assert split.bound == pytest.approx(joint.bound, rel=1e-5)
    assert split.certificate.holds


def test_full_nulling_decouples_communication():
    net = small_multicell(8, n_bs=3, nt=8, users_per_bs=2, sinr_db=6.0)
    problem = CoordinatedBeamforming(objective="min_power", comm_cluster=3)
    assert len(problem._groups(problem._prepare(net))) == 3
    coupled = CoordinatedBeamforming(objective="min_power")
    assert len(coupled._groups(coupled._prepare(net))) == 1
    joint = CoordinatedBeamforming(objective="min_power", comm_cluster=3, decompose=False).solve(net)
    split = problem.solve(net)
    parallel = CoordinatedBeamforming(objective="min_power", comm_cluster=3).solve(net, workers=2)
    assert split.objective == pytest.approx(joint.objective, rel=1e-6)
    assert parallel.objective == pytest.approx(joint.objective, rel=1e-6)
    assert np.allclose([u.sinr_db for u in split.users], [u.sinr_db for u in joint.users], atol=1e-4)


def test_max_min_sinr_decomposed_equals_joint():
    net = small_multicell(9, n_bs=2, nt=6, users_per_bs=2, targets_per_bs=1, sinr_db=None)
    joint = CoordinatedBeamforming(objective="max_min_sinr", comm_cluster=2, decompose=False).solve(net)
    split = CoordinatedBeamforming(objective="max_min_sinr", comm_cluster=2).solve(net)
    assert split.objective == pytest.approx(joint.objective, abs=0.02)
    assert split.bound == pytest.approx(joint.bound, abs=0.02)


def test_infeasible_group_makes_the_whole_problem_infeasible():
    net = small_multicell(8, n_bs=3, nt=8, users_per_bs=2, sinr_db=6.0)
    users = list(net.users)
    users[4] = users[4].model_copy(update={"sinr_db": 70.0})
    sol = CoordinatedBeamforming(objective="min_power", comm_cluster=3).solve(net.with_updates(users=users))
    assert sol.status == "infeasible" and any("u4" in c for c in sol.conflicts)


def test_the_compile_cache_is_bounded_least_recently_used_first():
    from isacopt.solve.cache import CompileCache

    cache = CompileCache(limit=3)
    for key in "abc":
        cache[key] = key
    assert cache["a"] == "a"  # a read refreshes an entry
    cache["d"] = "d"
    assert list(cache) == ["c", "a", "d"]
    builder = CoordinatedBeamforming(objective="min_power")
    assert isinstance(builder._cache, CompileCache) and builder._cache.limit >= 16


def test_a_copy_with_other_options_never_reuses_the_originals_compiled_problem():
    """Regression: model_copy shared the compile cache, so a copy with a stricter sensing-SINR floor
    re-solved the original's compiled problem and reported a solver failure instead of infeasible."""
    import copy

    from isacopt.studies.instances import triangle_network

    net = triangle_network(1, users=2, targets=1, tx_antennas=6)
    loose = iso.CoordinatedBeamforming(objective="min_power", sinr_db=0, sensing_sinr_db=-20)
    assert loose.solve(net).status == "optimal"
    strict = loose.model_copy(update={"sensing_sinr_db": 60.0})
    fresh = iso.CoordinatedBeamforming(objective="min_power", sinr_db=0, sensing_sinr_db=60.0)
    assert strict._cache is not loose._cache and copy.deepcopy(loose)._cache is not loose._cache
    assert strict.solve(net).status == fresh.solve(net).status == "infeasible"
    assert copy.deepcopy(loose) == loose and loose.model_copy() == loose and strict != loose

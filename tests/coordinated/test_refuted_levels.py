"""A bisection step's infeasibility certificate also refutes levels below the one it was found at
(``solve.bisection.lowest_refuted``): every level it refutes is out of reach for the cvxpy SDP (a second
formulation), none is below the level reached, and the search ends on the level plain halving ends on (to
its tolerance). How many steps it saves is measured in docs/performance.md, not asserted here."""

import pytest

import isacopt.coordinated.subspace as subspace_path
from isacopt.coordinated import CoordinatedBeamforming
from isacopt.solve.bisection import bisect
from tests.helpers import small_multicell


def _net():
    return small_multicell(4, nt=12, sinr_db=6.0, targets_per_bs=2,
                           channels={"model": "rayleigh", "crosslink": "rayleigh", "seed": 4})


def _solve(monkeypatch, refute: bool):
    """The max-min sensing-SINR solution and the bisection's (probed, refuted) pairs."""
    moves = []
    lowest = subspace_path.lowest_refuted

    def recorded(out_of_reach, found_db, proven_db, tol_db, checks=20):
        level = lowest(out_of_reach, found_db, proven_db, tol_db, checks)
        moves.append((proven_db, level))
        return level

    def counted(feasible, lo, hi, tol, reached=None, refuted=None, **kw):
        return bisect(feasible, lo, hi, tol, reached=reached, refuted=refuted if refute else None, **kw)

    monkeypatch.setattr(subspace_path, "lowest_refuted", recorded)
    monkeypatch.setattr(subspace_path, "bisect", counted)
    sol = CoordinatedBeamforming(objective="max_min_sensing_sinr", relaxation="subspace").solve(_net())
    assert sol.status == "optimal", (sol.reason, sol.attempts)
    return sol, moves


def test_refuted_levels_are_out_of_reach(monkeypatch):
    sol, moves = _solve(monkeypatch, refute=True)
    plain, _ = _solve(monkeypatch, refute=False)
    slid = [(probed, level) for probed, level in moves if level < probed - 1e-9]
    assert slid, moves  # some certificate held below its own level
    for _, level in slid:
        assert level > sol.objective
        out = CoordinatedBeamforming(objective="min_power", sensing_sinr_db=level, relaxation="sdp",
                                     explain_backoff=False).solve(_net())
        assert out.status == "infeasible", (level, out.status, out.reason)
    # the same optimum to the bisection's tolerance, each bound valid for the other's level
    assert sol.objective == pytest.approx(plain.objective, abs=0.004)
    assert sol.bound >= plain.objective - 1e-9 and plain.bound >= sol.objective - 1e-9

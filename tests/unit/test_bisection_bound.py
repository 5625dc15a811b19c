"""The bisection's bound is a level proven out of reach: a step where nothing is shown (a solver failure, a
design that missed its certificate) narrows the search but never becomes the reported bound."""

import pytest

from isacopt.solve.bisection import bisect

THRESHOLD = 5.0  # levels above it are infeasible


def oracle(unsure: tuple[float, float] | None):
    def feasible(db: float):
        if unsure is not None and unsure[0] <= db <= unsure[1]:
            return None
        return db <= THRESHOLD
    return feasible


def test_every_step_decided_brackets_the_threshold():
    r = bisect(oracle(None), -30.0, 20.0, 1e-3)
    assert r.lo_db <= THRESHOLD <= r.proven_hi_db
    assert r.proven_hi_db == r.hi_db and r.proven_hi_db - r.lo_db <= 1e-3


def test_unsure_steps_do_not_move_the_proven_bound_below_the_threshold():
    # a band of unsure levels below the threshold: the search stops under it, the bound stays above it
    r = bisect(oracle((4.2, 4.5)), -30.0, 20.0, 1e-3)  # the steps go -5, 7.5, 1.25, 4.375 (unsure), ...
    assert r.lo_db < 4.2
    assert r.hi_db < THRESHOLD  # the search bracket, not a claim
    assert r.proven_hi_db == 7.5  # the claim: the last level proven out of reach (true, though the gap is wide)


def test_an_unsure_lowest_level_is_not_infeasibility():
    assert bisect(lambda db: None, -30.0, 20.0, 1e-3).proven_hi_db == pytest.approx(20.0)
    assert bisect(lambda db: False, -30.0, 20.0, 1e-3).proven_hi_db == pytest.approx(-30.0)

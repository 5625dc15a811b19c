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


def test_an_unsure_band_below_the_threshold_is_passed():
    # the steps go -5, 7.5, 1.25, 4.375 (unsure); then alternately below and above the open level, and
    # a probe above it that succeeds takes the search past the band to the threshold itself
    r = bisect(oracle((4.2, 4.5)), -30.0, 20.0, 1e-3)
    assert r.lo_db <= THRESHOLD <= r.proven_hi_db
    assert r.proven_hi_db - r.lo_db <= 1e-3


def test_an_open_level_at_the_edge_is_closed_from_both_sides():
    # the solver cannot decide within 1e-4 dB of the edge (a least-power step within rounding of the
    # budget): the reached level and the bound still meet within the tolerance
    r = bisect(oracle((THRESHOLD - 1e-4, THRESHOLD + 1e-4)), -30.0, 20.0, 4e-3)
    assert r.lo_db <= THRESHOLD <= r.proven_hi_db
    assert r.proven_hi_db - r.lo_db <= 4e-3


def test_a_wide_undecided_band_around_the_threshold_stops_and_the_bound_stays_true():
    r = bisect(oracle((4.6, 5.4)), -30.0, 20.0, 1e-3)
    assert r.lo_db < 4.6 and r.proven_hi_db > 5.4  # the claim holds: the bound is above the threshold
    assert r.steps < 60  # gave up after max_open undecided steps in a row, not after 200
    assert r.lo_db < r.hi_db <= r.proven_hi_db


def test_an_unsure_lowest_level_is_not_infeasibility():
    assert bisect(lambda db: None, -30.0, 20.0, 1e-3).proven_hi_db == pytest.approx(20.0)
    assert bisect(lambda db: False, -30.0, 20.0, 1e-3).proven_hi_db == pytest.approx(-30.0)


def test_a_reached_level_moves_the_search_and_keeps_its_answer():
    """A step that reports the level its design reaches (above the probed one: a least-power design scaled up
    to the budgets) moves the lower end there: the same answer to the tolerance in fewer solves; a reached
    level above the proven bound is clipped to it."""
    from isacopt.solve.bisection import bisect

    optimum = 7.3

    def feasible(db):
        return db <= optimum

    def reached(db):  # halfway from the probed level to the optimum, as a scaled design might reach
        return db + (optimum - db) / 2 if db <= optimum else float("-inf")  # out of reach: no design

    plain = bisect(feasible, -30.0, 40.0, 0.004)
    moved = bisect(feasible, -30.0, 40.0, 0.004, reached=reached)
    for r in (plain, moved):
        assert r.lo_db <= optimum < r.proven_hi_db and r.proven_hi_db - r.lo_db <= 0.004
    assert moved.solves < plain.solves
    clipped = bisect(feasible, -30.0, 40.0, 0.004, reached=lambda db: 100.0)
    assert clipped.lo_db <= clipped.proven_hi_db


@pytest.mark.parametrize("slide", [0.0, 0.3, 0.9, 1.0])
def test_a_refuted_level_moves_the_bound_and_the_answer_stays(slide):
    """``refuted`` (a certificate that also holds below its level) moves the proven bound down, a fraction
    ``slide`` of the way to the threshold; the search then probes just under the bound, and after a probe there
    that fails, halves once: the same answer to the tolerance, never more than twice the plain steps, and a
    tight certificate (slide 1) ends the search in a step or two after the first refutation."""
    plain = bisect(oracle(None), -30.0, 20.0, 1e-3)
    seen = []

    def refuted(db, found):
        seen.append((db, found))
        return db - slide * (db - THRESHOLD) + (1e-4 if slide == 1.0 else 0.0)

    r = bisect(oracle(None), -30.0, 20.0, 1e-3, refuted=refuted)
    assert r.lo_db <= THRESHOLD <= r.proven_hi_db and r.proven_hi_db - r.lo_db <= 1e-3
    assert all(found < db for db, found in seen)
    assert r.steps <= 2 * plain.steps
    if slide == 1.0:
        assert r.steps <= 4, r.steps  # -5 (reachable), 7.5 (refuted to the edge), just under it: done
    if slide == 0.0:
        assert r.steps <= plain.steps + 1


def test_a_refuted_level_at_or_below_the_reached_one_is_ignored():
    """A certificate cannot refute a level a design reached: such an answer leaves the bound at the probed
    level (it would be a contradiction, e.g. from rounding)."""
    r = bisect(oracle(None), -30.0, 20.0, 1e-3, refuted=lambda db, found: found - 1.0)
    assert r.lo_db <= THRESHOLD <= r.proven_hi_db and r.proven_hi_db - r.lo_db <= 1e-3


def test_probes_below_an_open_level_stay_within_a_tolerance_of_it():
    """An open level marks the edge: the probes under it go no lower than one tolerance below the lowest open
    level, so a search whose reached level is far below does not halve its way up from there."""
    tol, probes, opened = 4e-3, [], []

    def feasible(db: float):
        probes.append(db)
        if THRESHOLD - 2e-4 <= db <= THRESHOLD + 2e-4:
            opened.append(db)
            return None
        return db <= THRESHOLD

    def refuted(db: float, found: float) -> float:  # a certificate that holds down to 0.9 tol above the edge,
        return max(found, min(db, THRESHOLD + 0.9 * tol))  # so the probe just under it lands on the edge

    r = bisect(feasible, -30.0, 20.0, tol, refuted=refuted)
    assert r.lo_db <= THRESHOLD <= r.proven_hi_db and r.proven_hi_db - r.lo_db <= tol
    assert opened, "the scenario must leave a level open"
    first = probes.index(opened[0])
    for i, db in enumerate(probes[first + 1:], start=first + 1):
        lowest_open = min(o for o in opened if probes.index(o) < i)
        assert db >= lowest_open - tol - 1e-12
    assert len(probes) - first <= 4  # plain halving up from the reached level took 11 more steps here


def test_designs_found_at_levels_out_of_reach_move_the_lower_end():
    """A margin step out of reach still ends at a design (formulation.level_margin), the closer to the optimum
    the closer the level: with ``reached`` after refusals too, and the first probe just under the bound, a
    search with refutations (each certificate holding halfway down to the optimum) ends in fewer steps with
    the same answer; the level found never passes the optimum."""
    optimum, seen = 7.3, []

    def reached(db):
        seen.append(db)
        return db + (optimum - db) / 2 if db <= optimum else optimum - (db - optimum)

    def refuted(db, found):
        return db - (db - optimum) / 2

    def feasible(db):
        return db <= optimum

    before = bisect(feasible, -30.0, 40.0, 0.004, refuted=refuted)
    r = bisect(feasible, -30.0, 40.0, 0.004, reached=reached, refuted=refuted, start_at_top=True)
    assert r.lo_db <= optimum < r.proven_hi_db and r.proven_hi_db - r.lo_db <= 0.004
    assert any(db > optimum for db in seen)  # refusals asked for their designs
    assert r.solves < before.solves, (r.solves, before.solves)


@pytest.mark.parametrize("looseness", [0.0, 0.5, 2.0])
def test_a_bound_from_every_step_moves_the_proven_end(looseness):
    """``bounded`` (a margin step's parametric bound, valid whatever the step's answer: at least the optimum)
    moves the proven bound after reachable steps too: the same answer, no more steps than without it, and
    never a bound under the level found."""
    optimum = 7.3

    def bounded(db):
        return optimum + looseness * abs(optimum - db)

    plain = bisect(lambda db: db <= optimum, -30.0, 40.0, 0.004)
    r = bisect(lambda db: db <= optimum, -30.0, 40.0, 0.004, bounded=bounded)
    assert r.lo_db <= optimum <= r.proven_hi_db and r.proven_hi_db - r.lo_db <= 0.004
    assert r.solves <= plain.solves
    # a bound below a reached level (rounding) is taken as the level found: the search ends there
    low = bisect(lambda db: db <= optimum, -30.0, 40.0, 0.004, bounded=lambda db: -50.0)
    assert low.lo_db == low.proven_hi_db == -30.0

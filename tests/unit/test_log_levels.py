"""Log levels of a LinearSDP (``w log(1 + s)`` in a max-t objective, solve.log_levels): the restricted problem's
exponential cones and the repaired dual bound, against a closed form, a numerical supremum and cvxpy's own
(primal) formulation of the same problem."""

import cvxpy as cp
import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from isacopt.formulation.linear import Block, LinearSDP, Row
from isacopt.solve.log_levels import log_conjugates
from isacopt.solve.restricted import BlockTerms
from isacopt.solve.subspace import certify, solve_subspace


def channels(seed: int, n: int = 4):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=n) + 1j * rng.normal(size=n) for _ in range(2)]


def two_users(seed: int, slope: float, budget: float = 2.0) -> LinearSDP:
    """max log(1 + h^H (X1 + X2) h) - slope h^H X2 h + 0.7 log(1 + g^H X2 g), tr X1 + tr X2 <= budget: user 1 on
    X1 hears X2, user 2 on X2 (a sum-rate surrogate's shape: received powers in the logs, interference priced)."""
    h, g = channels(seed)
    rows = [Row("power:0", -budget, terms=[(0, -1.0, None), (1, -1.0, None)]),
            Row("interference:0", 0.0, tau=1.0, group=0, terms=[(1, -1.0, h)]),
            Row("received:0", 0.0, tau=-1.0, group=1, terms=[(0, 1.0, h), (1, 1.0, h)]),
            Row("received:1", 0.0, tau=-1.0, group=2, terms=[(1, 1.0, g)])]
    return LinearSDP([Block(0, 0, 4), Block(0, 1, 4)], rows, "max_t", {0: 0}, weights=(-slope,), level_floor=None,
                     gap_floor=1e-3, in_power_units=False, log_weights=(1.0, 0.7))


def cvxpy_optimum(seed: int, slope: float, budget: float = 2.0) -> float:
    h, g = channels(seed)
    x1, x2 = cp.Variable((4, 4), hermitian=True), cp.Variable((4, 4), hermitian=True)
    quad = lambda v, x: cp.real(cp.trace(np.outer(v, v.conj()) @ x))  # noqa: E731
    goal = cp.log(1 + quad(h, x1 + x2)) - slope * quad(h, x2) + 0.7 * cp.log(1 + quad(g, x2))
    prob = cp.Problem(cp.Maximize(goal), [x1 >> 0, x2 >> 0, cp.real(cp.trace(x1 + x2)) <= budget])
    prob.solve(solver="CLARABEL")
    return float(prob.value)


@pytest.mark.parametrize("seed, slope", [(0, 0.3), (1, 0.0), (2, 2.0), (3, 0.05)])
def test_the_subspace_loop_meets_cvxpys_primal_form(seed, slope):
    res = solve_subspace(two_users(seed, slope), None)
    assert res.status == "optimal" and res.gap <= 1e-6
    expected = cvxpy_optimum(seed, slope)
    assert res.value == pytest.approx(expected, rel=1e-6, abs=1e-7)
    assert res.bound >= expected - 1e-7  # the certified bound is a bound of the true optimum


def test_one_log_level_meets_the_closed_form():
    """max log(1 + h^H X h) over tr X <= P: all power on h, log(1 + P ||h||^2)."""
    h, _ = channels(5)
    sdp = LinearSDP([Block(0, 0, 4)], [Row("power:0", -0.5, terms=[(0, -1.0, None)]),
                                       Row("received:0", 0.0, tau=-1.0, group=0, terms=[(0, 1.0, h)])],
                    "max_t", {0: 0}, weights=(), level_floor=None, gap_floor=1e-3, in_power_units=False,
                    log_weights=(1.0,))
    res = solve_subspace(sdp, None)
    assert res.status == "optimal"
    closed = np.log1p(0.5 * np.vdot(h, h).real)
    assert res.value == pytest.approx(closed, rel=1e-7)  # (the design meets its budget to the solver's 1e-8)
    assert res.bound >= closed * (1 - 1e-12)


@pytest.mark.parametrize("lam, w", [(0.2, 1.0), (3.0, 0.7), (1.0, 1.0), (1e-3, 2.0)])
def test_the_conjugate_is_the_supremum(lam, w):
    """w log(w / lambda) - w + lambda = sup_{s > -1} w log(1 + s) - lambda s, found numerically."""
    sdp = LinearSDP([Block(0, 0, 1)], [Row("received:0", 0.0, tau=-1.0, group=0, terms=[(0, 1.0, None)])],
                    "max_t", {}, weights=(), log_weights=(w,))
    closed = log_conjugates(sdp, np.array([1.0]), np.array([0]), np.array([lam]))
    res = minimize_scalar(lambda s: -(w * np.log1p(s) - lam * s), bounds=(-1 + 1e-12, 1e6), method="bounded",
                          options={"xatol": 1e-12})
    assert closed == pytest.approx(-res.fun, rel=1e-7, abs=1e-9)
    assert log_conjugates(sdp, np.array([1.0]), np.array([0]), np.array([0.0])) == np.inf  # no lambda: no bound


@pytest.mark.parametrize("seed", range(6))
def test_any_multipliers_give_a_valid_bound(seed):
    """The repaired bound of random multipliers is never below the optimum (and meets it at the loop's)."""
    sdp = two_users(seed % 3, 0.4)
    terms = BlockTerms.group(sdp)
    best = cvxpy_optimum(seed % 3, 0.4)
    y = np.random.default_rng(seed).uniform(0, 3, size=len(sdp.rows))
    bound = certify(sdp, terms, y)[0]
    assert bound >= best - 1e-9
    assert certify(sdp, terms, solve_subspace(sdp, None).duals)[0] == pytest.approx(best, rel=1e-6)


def capped(seed: int, cap: float) -> LinearSDP:
    """max log(1 + h^H X1 h) + log(1 + g^H X2 g), tr X1 + tr X2 <= 2, and a cap that a log relaxes:
    0.3 h^H X1 h - log(1 + g^H X2 g) <= cap (a backhaul cap's shape: a tangent minus a log, at most C)."""
    h, g = channels(seed)
    rows = [Row("power:0", -2.0, terms=[(0, -1.0, None), (1, -1.0, None)]),
            Row("cap", -cap, terms=[(0, -0.3, h)]),
            Row("received:0", 0.0, tau=-1.0, group=0, terms=[(0, 1.0, h)]),
            Row("received:1", 0.0, tau=-1.0, group=1, terms=[(1, 1.0 / 4.0, g)]),  # in units of a scale 4
            Row("capped:1", 0.0, tau=-1.0, group=2, terms=[(1, 1.0, g)])]
    return LinearSDP([Block(0, 0, 4), Block(0, 1, 4)], rows, "max_t", {0: 0}, weights=(), level_floor=None,
                     gap_floor=1e-3, in_power_units=False, log_weights=(1.0, 1.0, 0.0), log_scales=(1.0, 4.0, 1.0),
                     log_rows={1: (2,)})


def capped_cvxpy(seed: int, cap: float) -> float:
    h, g = channels(seed)
    x1, x2 = cp.Variable((4, 4), hermitian=True), cp.Variable((4, 4), hermitian=True)
    quad = lambda v, x: cp.real(cp.trace(np.outer(v, v.conj()) @ x))  # noqa: E731
    prob = cp.Problem(cp.Maximize(cp.log(1 + quad(h, x1)) + cp.log(1 + quad(g, x2))),
                      [x1 >> 0, x2 >> 0, cp.real(cp.trace(x1 + x2)) <= 2.0,
                       0.3 * quad(h, x1) - cp.log(1 + quad(g, x2)) <= cap])
    prob.solve(solver="CLARABEL")
    return float(prob.value)


@pytest.mark.parametrize("seed, cap", [(0, 0.5), (1, 0.05), (2, 2.0), (3, 20.0)])
def test_a_log_in_a_row_meets_cvxpys_primal_form(seed, cap):
    """The level's weight in the dual is its rows' multipliers (0 in the objective): binding and slack caps."""
    sdp = capped(seed, cap)
    res = solve_subspace(sdp, None)
    expected = capped_cvxpy(seed, cap)
    assert res.status == "optimal", res.message
    assert res.value == pytest.approx(expected, rel=1e-6, abs=1e-7)
    assert res.bound >= expected - 1e-7
    y = np.random.default_rng(seed).uniform(0, 3, size=len(sdp.rows))  # any multipliers: a valid bound
    assert certify(sdp, BlockTerms.group(sdp), y)[0] >= expected - 1e-9

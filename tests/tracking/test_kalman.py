"""The filter against closed forms: the steady-state covariance of the Riccati equation on a linear case,
and consistency (NEES within its chi-square interval) on the nonlinear range/azimuth measurements over
many seeded runs."""

import numpy as np
import pytest
from scipy.linalg import solve_discrete_are
from scipy.stats import chi2

from isacopt.metrics.position_crlb import Measurement
from isacopt.tracking import Mover, Track, cv_model, nees, propagate
from isacopt.tracking.kalman import predict, update
from isacopt.tracking.measure import draw, stack

H = np.hstack([np.eye(2), np.zeros((2, 2))])


def test_linear_constant_velocity_reaches_the_riccati_steady_state():
    f, q = cv_model(0.5, 1.5)
    r = np.array([4.0, 9.0])
    track = Track(np.zeros(4), 100 * np.eye(4))
    for _ in range(400):
        prior = predict(track, f, q)
        track = update(prior, H @ prior.x + 1.0, H @ prior.x, H, r)  # any measurement: P does not depend on it
    p_prior = solve_discrete_are(f.T, H.T, q, np.diag(r))  # the a priori steady state
    assert prior.P == pytest.approx(p_prior, rel=1e-9, abs=1e-12)
    s = H @ p_prior @ H.T + np.diag(r)
    p_post = p_prior - p_prior @ H.T @ np.linalg.solve(s, H @ p_prior)
    assert track.P == pytest.approx(p_post, rel=1e-9, abs=1e-12)


def test_the_update_is_the_kalman_gain_form_for_a_linear_measurement():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 4))
    track = Track(rng.standard_normal(4), a @ a.T + np.eye(4))
    z, r = rng.standard_normal(2), np.array([0.5, 2.0])
    out = update(track, z, H @ track.x, H, r)
    k = track.P @ H.T @ np.linalg.inv(H @ track.P @ H.T + np.diag(r))
    assert out.x == pytest.approx(track.x + k @ (z - H @ track.x), rel=1e-10)
    assert out.P == pytest.approx((np.eye(4) - k @ H) @ track.P, rel=1e-9, abs=1e-12)


def test_ekf_on_range_sums_and_azimuths_is_consistent_over_seeded_runs():
    """Average NEES over R runs: R * ANEES ~ chi2(4 R) for a consistent filter (Bar-Shalom et al. 5.4.2)."""
    bs = np.array([[0.0, 0.0], [300.0, 0.0]])
    items = [Measurement("range_sum", 0, 0, 1 / 1.0**2), Measurement("range_sum", 0, 1, 1 / 2.0**2),
             Measurement("azimuth", 0, 0, 1 / 0.01**2), Measurement("azimuth", 1, 1, 1 / 0.01**2)]
    dt, sigma_a, runs, frames = 0.2, 2.0, 400, 25
    f, q = cv_model(dt, sigma_a)
    p0 = np.diag([25.0, 25.0, 4.0, 4.0])
    scores = np.zeros((runs, frames))
    for run in range(runs):
        rng = np.random.default_rng(run)
        truth = propagate(Mover(id="v", kind="target", position_m=(150, 120), velocity_mps=(5, -3),
                                accel_std_mps2=sigma_a), dt, frames, rng)
        track = Track(truth[0] + np.linalg.cholesky(p0) @ rng.standard_normal(4), p0)
        for n in range(frames):
            z, var = draw(bs, items, truth[n], 1.0, rng)
            h, jac, ang = stack(bs, items, track.x)
            track = update(track, z, h, jac, var, ang)
            scores[run, n] = nees(truth[n], track)
            track = predict(track, f, q)
    lo, hi = chi2.ppf([0.005, 0.995], 4 * runs) / runs
    for n in (0, 5, 12, 24):  # each frame's average over the runs
        assert lo <= scores[:, n].mean() <= hi, (n, scores[:, n].mean(), lo, hi)


def test_motion_models_propagate_exactly_without_noise():
    cv = propagate(Mover(id="a", kind="user", position_m=(1, 2), velocity_mps=(3, -1)), 0.5, 5, np.random.default_rng(0))
    assert cv[4] == pytest.approx([1 + 3 * 2.0, 2 - 1 * 2.0, 3, -1])
    # a coordinated turn keeps the speed and turns the heading by omega t; after 360 degrees it is back
    turn = Mover(id="b", kind="target", position_m=(0, 0), velocity_mps=(10, 0), motion="turn", turn_rate_dps=36)
    path = propagate(turn, 1.0, 11, np.random.default_rng(0))
    assert np.linalg.norm(path[:, 2:], axis=1) == pytest.approx(10.0)
    assert path[10] == pytest.approx([0, 0, 10, 0], abs=1e-9)
    radius = 10 / np.deg2rad(36)
    assert np.linalg.norm(path[:, :2] - [0, radius], axis=1) == pytest.approx(radius)  # a circle left of the start

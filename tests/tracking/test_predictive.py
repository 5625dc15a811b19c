"""Predictive beamforming: with exact predictions it is the perfect-CSI design; with prediction errors the
achieved SINR degrades smoothly; the calibrated margin holds the outage it is designed for (Monte Carlo
over true channels drawn by the package's own channel model, not the margin's sampler)."""

import numpy as np
import pytest

from isacopt.channels.comm import comm_channels
from isacopt.metrics.comm import sensing_power_at, stream_powers_at
from isacopt.network.channel_spec import RicianChannels
from isacopt.network.model import Network
from isacopt.network.nodes import User
from isacopt.tracking import Track, TrackingScenario, run_tracking
from isacopt.tracking.design_step import predictive_design

BSS = [{"id": "b0", "position_m": (0, 0), "tx_antennas": 8, "rx_antennas": 6, "power_w": 1.0},
       {"id": "b1", "position_m": (400, 0), "tx_antennas": 8, "rx_antennas": 6, "power_w": 1.0}]
MOVERS = [{"id": "u0", "kind": "user", "position_m": (80, 90), "velocity_mps": (3, 1)},
          {"id": "u1", "kind": "user", "position_m": (320, -110), "velocity_mps": (-2, 4)},
          {"id": "v0", "kind": "target", "position_m": (170, 150), "velocity_mps": (8, -2)}]
PROBLEM = {"kind": "coordinated_beamforming", "objective": "min_power", "sinr_db": 10, "sensing_cluster": 2,
           "beampattern_floor_w": 1.0}


def scenario(channels=None, **tracking) -> TrackingScenario:
    return TrackingScenario.model_validate(dict(name="t", channels=channels or {"model": "los"}, base_stations=BSS,
                                                movers=MOVERS, problem=PROBLEM, tracking=tracking))


def test_exact_predictions_give_the_perfect_csi_design():
    sc = scenario(margin="none", measurement_scale=1e-6, initial_position_std_m=1e-6, initial_velocity_std_mps=1e-6,
                  filter_accel_std_mps2=1e-3)
    run = run_tracking(sc, 4)
    for f in run.frames:
        # the same power; the binding user at its target in both; a user with SINR to spare may get any of the
        # optimal designs' surplus (11.75 or 11.79 dB on two CPUs): above its target, not a fixed value
        assert f.objective["predictive"] == pytest.approx(f.objective["perfect"], rel=1e-5)
        for design in ("predictive", "perfect"):
            assert min(f.sinr_db[design]) == pytest.approx(10.0, abs=1e-3)
            assert np.all(np.asarray(f.sinr_db[design]) >= 10.0 - 1e-3)
        binding = np.argmin(f.sinr_db["perfect"])
        assert f.sinr_db["predictive"][binding] == pytest.approx(f.sinr_db["perfect"][binding], abs=1e-3)
    assert run.position_errors().max() < 1e-3  # the filter tracks the noiseless truth


def shortfall(sc: TrackingScenario, truth: np.ndarray, errors: np.ndarray) -> float:
    """Mean SINR shortfall [dB] below the 10 dB target of designs made from positions off by ``errors``."""
    net = sc.network(truth[:2], truth[2:])
    rows = comm_channels(net)
    out = []
    for e in errors:
        tracks = [Track(np.array([*(p + d), 0, 0]), np.eye(4)) for p, d in zip(truth, e)]
        sol, _ = predictive_design(sc, tracks)
        p = stream_powers_at(rows, sol.design)
        s = np.diag(p) / (p.sum(axis=1) - np.diag(p) + sensing_power_at(rows, sol.design) + net.system.noise_w)
        out.append(np.mean(np.maximum(0.0, 10.0 - 10 * np.log10(s))))
    return float(np.mean(out))


def test_sinr_degrades_smoothly_with_the_prediction_error():
    sc = scenario(margin="none")
    truth = np.array([m["position_m"] for m in MOVERS], float)
    unit = np.random.default_rng(5).standard_normal((12, 3, 2))
    losses = [shortfall(sc, truth, sigma * unit) for sigma in (0.0, 0.25, 1.0, 4.0)]
    assert losses[0] < 1e-3
    assert losses[0] < losses[1] < losses[2] < losses[3]
    assert losses[1] < 0.2 * losses[3]  # small errors cost little: no jump at zero


def test_calibrated_margin_holds_the_designed_outage():
    eps, sigma, draws = 0.05, 3.0, 3000
    sc = scenario(channels={"model": "rician", "k_factor": 10}, margin="calibrated", outage=eps, margin_samples=3000)
    truth_mean = np.array([m["position_m"] for m in MOVERS], float)
    cov = np.diag([sigma**2, sigma**2, 1.0, 1.0])
    tracks = [Track(np.array([*p, 0.0, 0.0]), cov) for p in truth_mean]
    calibrated, margins = predictive_design(sc, tracks)
    plain, _ = predictive_design(sc.model_copy(update={"tracking": sc.tracking.model_copy(update={"margin": "none"})}),
                                 tracks)
    assert calibrated.ok and np.all(margins >= 0) and np.any(margins > 0)
    rng = np.random.default_rng(11)
    outage = {"calibrated": [], "none": []}
    for k in range(2):  # each user at draws from its prediction, with Rician fading from the channel model
        xy = truth_mean[k] + sigma * rng.standard_normal((draws, 2))
        net = Network(system=sc.system, channels=RicianChannels(k_factor=10, seed=17 + k), base_stations=sc.base_stations,
                      users=[User(id=f"d{i}", position_m=tuple(p)) for i, p in enumerate(xy)])
        rows = comm_channels(net)  # (draws, Nt) per BS: every row is user k at another place
        assert rows[0].shape == (draws, 8)
        for name, sol in (("calibrated", calibrated), ("none", plain)):
            p = stream_powers_at(rows, sol.design)  # (draws, 2): every draw is user k at another place
            sinr = p[:, k] / (p.sum(axis=1) - p[:, k] + sensing_power_at(rows, sol.design) + sc.system.noise_w)
            outage[name].append(np.mean(10 * np.log10(sinr) < 10.0 - 1e-3))
    mc = 3 * np.sqrt(eps * (1 - eps) / draws)
    assert max(outage["calibrated"]) <= eps + mc + 0.01, outage
    assert max(outage["none"]) > 0.3, outage  # at the bare target, errors put a user below it about half the time


def test_coherent_comp_from_predicted_positions_needs_a_far_larger_margin_than_non_coherent():
    """Positions give each BS's line-of-sight direction, not the phase between BSs (Rician: a random LoS
    phase per link), so coherent joint transmission designed from a prediction mostly does not combine
    coherently; non-coherent CoMP does not rely on it. The margin calibration sees this."""
    margins = {}
    for jt in ("coherent", "non_coherent"):
        sc = TrackingScenario.model_validate(dict(
            name="c", channels={"model": "rician", "k_factor": 10}, base_stations=BSS[:1] + [dict(BSS[1], position_m=(300, 0))],
            movers=[{"id": "u0", "kind": "user", "position_m": (150, 60)}, {"id": "v0", "kind": "target", "position_m": (120, -80)}],
            problem={"kind": "cooperative_isac", "objective": "min_sum_crlb", "rate_bps_hz": 2, "comm_cluster": 2,
                     "sensing_cluster": 2, "joint_transmission": jt},
            tracking={"margin": "calibrated"}))
        tracks = [Track(np.array([150.0, 60, 0, 0]), np.diag([4.0, 4.0, 1, 1])),
                  Track(np.array([120.0, -80, 0, 0]), np.diag([4.0, 4.0, 1, 1]))]
        sol, m = predictive_design(sc, tracks)
        assert sol.ok
        margins[jt] = float(m[0])
    assert margins["coherent"] > margins["non_coherent"] + 6.0, margins

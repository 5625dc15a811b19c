"""A planner's loop: users and vehicles move, the network tracks them from its own echoes, and every
step it designs from the *tracked* positions, never the true ones.

Two ISAC base stations 400 m apart each serve two walking users and track one vehicle. Every `--dt`
seconds the planner predicts where everyone is (a Kalman filter per node), assigns that predicted
snapshot to the compiled problem and re-solves: maximise the beampattern toward the vehicles while every
user keeps `--sinr-db`, each BS nulling its leakage into the other's radar receiver. The design then
meets the true channels (true positions, Rician fading): each step prints the SINR the users really
got, and the echoes of the same signal update the tracks. When a step is infeasible the planner falls
back to the best common SINR it can give, and says so. `--log FILE` writes every Solution as one JSON line.

    python examples/planner_stream.py [--steps 20] [--dt 0.5] [--sinr-db 12] [--log steps.jsonl]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import numpy as np

import isacopt as iso
from isacopt.channels.derive import derive_channels
from isacopt.tracking import Tracker, TrackingScenario, propagate

BS_XY = [(0.0, 0.0), (400.0, 0.0)]
# start position [m] and velocity [m/s] of every user and vehicle
USERS = [((60.0, 80.0), (1.4, 0.0)), ((-50.0, -90.0), (0.0, 1.2)),
         ((330.0, 120.0), (-1.5, 0.3)), ((470.0, -60.0), (0.0, 1.5))]
VEHICLES = [((120.0, 160.0), (6.0, 9.0)), ((280.0, -170.0), (-8.0, -5.0))]


def scenario(dt: float, sinr_db: float) -> TrackingScenario:
    """The deployment, the movers and the problem solved every step."""
    movers = [{"id": f"u{k}", "kind": "user", "position_m": p, "velocity_mps": v, "accel_std_mps2": 0.2}
              for k, (p, v) in enumerate(USERS)]
    movers += [{"id": f"t{k}", "kind": "target", "position_m": p, "velocity_mps": v, "accel_std_mps2": 1.0}
               for k, (p, v) in enumerate(VEHICLES)]
    return TrackingScenario.model_validate(dict(
        name="planner-stream", channels={"model": "rician", "k_factor": 8},
        base_stations=[{"id": f"bs{i}", "position_m": xy, "tx_antennas": 8, "rx_antennas": 6, "power_w": 1.0}
                       for i, xy in enumerate(BS_XY)],
        movers=movers,
        problem={"kind": "coordinated_beamforming", "objective": "max_min_beampattern", "sinr_db": sinr_db,
                 "sensing_cluster": 2, "receiver": "type2"},
        tracking={"frame_s": dt, "filter_accel_std_mps2": 1.0, "margin": "none"}))


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--steps", type=int, default=20)
    args.add_argument("--dt", type=float, default=0.5, help="seconds between snapshots")
    args.add_argument("--sinr-db", type=float, default=12.0, help="every user's SINR target")
    args.add_argument("--margin-db", type=float, default=0.0, help="design for sinr-db plus this (the prediction "
                      "and the fading cost SINR; see docs/tutorials/tracking.md for a calibrated margin)")
    args.add_argument("--log", type=Path, default=None, help="write each Solution as a JSON line here")
    opts = args.parse_args(argv)

    sc = scenario(opts.dt, opts.sinr_db)
    rng = np.random.default_rng(0)
    truth = np.stack([propagate(m, opts.dt, opts.steps, rng) for m in sc.movers], axis=1)  # (steps, nodes, 4)
    users = [i for i, m in enumerate(sc.movers) if m.kind == "user"]
    targets = [i for i, m in enumerate(sc.movers) if m.kind == "target"]
    tracker = Tracker(sc, truth[0])
    fallback = iso.CoordinatedBeamforming(objective="max_min_sinr", sensing_cluster=2)
    planner = sc.problem.compile(tracker.predicted_network())  # build and compile once, before the stream starts
    log = opts.log.open("w", encoding="utf-8") if opts.log else None
    times, statuses, below = [], [], 0
    print(f"{'t [s]':>6} {'status':>10} {'true min SINR':>13} {'target gain [W]':>16} {'track err [m]':>13} "
          f"{'solve [ms]':>10}  recompiled")
    for step in range(opts.steps):
        predicted = tracker.predicted_network(sinr_db=[opts.sinr_db + opts.margin_db] * len(users),
                                              name=f"t={step * opts.dt:.1f}s")  # what the network knows
        sol = planner.update(predicted).solve()
        if sol.status == "infeasible":                # not an exception: decide what to do about it
            sol = fallback.solve(predicted.with_updates(users=[u.model_copy(update={"sinr_db": None})
                                                               for u in predicted.users]))
            label = "fallback"
        else:
            label = sol.status
        if not sol.ok:                                # solver failure or time limit: skip this step
            print(f"{step * opts.dt:6.1f} {sol.status:>10}  {sol.reason}")
            statuses.append(sol.status)
            tracker.observe(None, truth[step])
            tracker.advance()
            continue
        fading = sc.channels.model_copy(update={"seed": step})
        true_net = sc.network(truth[step, users, :2], truth[step, targets, :2], channels=fading)
        achieved = iso.metrics.sinr(true_net, derive_channels(true_net), sol.design)  # the truth decides
        below += int(np.sum(10 * np.log10(achieved) < opts.sinr_db - 0.01))
        tracker.observe(sol.design, truth[step], fading)  # the echoes of the same signal
        error = max(np.linalg.norm(t.position - x[:2]) for t, x in zip(tracker.tracks, truth[step]))
        gains = [t.beampattern_gain_w for t in sol.targets]
        print(f"{step * opts.dt:6.1f} {label:>10} {10 * np.log10(achieved.min()):11.2f}dB "
              f"{min(gains):16.3f} {error:13.2f} {1e3 * sol.timing.total_s:10.0f}  {sol.timing.recompiled}")
        assert sol.certificate is not None and sol.certificate.holds
        times.append((sol.timing.recompiled, sol.timing.total_s))
        statuses.append(label)
        if log:
            log.write(sol.model_dump_json() + "\n")
        tracker.advance()
    if log:
        log.close()
    reused = [s for recompiled, s in times if not recompiled]
    print(f"{len(statuses)} steps: " + ", ".join(f"{statuses.count(s)} {s}" for s in sorted(set(statuses)))
          + (f"; median re-solve {1e3 * statistics.median(reused):.0f} ms" if reused else "")
          + f"; {below} of {len(users) * len(times)} user-steps below {opts.sinr_db:g} dB")
    return 0 if statuses and all(s in ("optimal", "optimal_reduced_accuracy", "fallback") for s in statuses) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""A planner's loop: users and targets move, and every step the network is re-solved.

Two ISAC base stations 400 m apart each serve two walking users and track one
moving target. Every `--dt` seconds the planner takes a new snapshot (new
positions, hence new channels), assigns it to the compiled problem and
re-solves: maximise the beampattern toward the targets while every user keeps
`--sinr-db`, each BS nulling its leakage into the other's radar receiver. When a
step is infeasible (a user walked into a bad spot) the planner falls back to
the best common SINR it can give, and says so. Each step prints its metrics;
`--log FILE` writes every Solution as one JSON line.

    python examples/planner_stream.py [--steps 20] [--dt 0.5] [--sinr-db 12] [--log steps.jsonl]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path


import isacopt as iso

BS_XY = [(0.0, 0.0), (400.0, 0.0)]
# start position [m] and velocity [m/s] of every user and target
USERS = [((60.0, 80.0), (1.4, 0.0)), ((-50.0, -90.0), (0.0, 1.2)),
         ((330.0, 120.0), (-1.5, 0.3)), ((470.0, -60.0), (0.0, 1.5))]
TARGETS = [((120.0, 160.0), (6.0, 9.0)), ((280.0, -170.0), (-8.0, -5.0))]  # vehicles


def snapshot(t: float) -> iso.Network:
    """The network at time ``t`` [s]: same BSs, users and targets moved along straight lines."""
    def at(p0, v):
        return (p0[0] + v[0] * t, p0[1] + v[1] * t)

    return iso.Network(
        name=f"t={t:.1f}s",
        channels=iso.RicianChannels(k_factor=8, seed=int(round(t * 1000))),  # small-scale fading changes too
        base_stations=[iso.BaseStation(id=f"bs{i}", position_m=xy, tx_antennas=8, rx_antennas=6, power_w=1.0)
                       for i, xy in enumerate(BS_XY)],
        users=[iso.User(id=f"u{k}", position_m=at(p, v)) for k, (p, v) in enumerate(USERS)],
        targets=[iso.Target(id=f"t{k}", position_m=at(p, v)) for k, (p, v) in enumerate(TARGETS)],
    )


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--steps", type=int, default=20)
    args.add_argument("--dt", type=float, default=0.5, help="seconds between snapshots")
    args.add_argument("--sinr-db", type=float, default=12.0, help="every user's SINR target")
    args.add_argument("--log", type=Path, default=None, help="write each Solution as a JSON line here")
    opts = args.parse_args(argv)

    problem = iso.CoordinatedBeamforming(objective="max_min_beampattern", sinr_db=opts.sinr_db, sensing_cluster=2)
    fallback = iso.CoordinatedBeamforming(objective="max_min_sinr", sensing_cluster=2)
    planner = problem.compile(snapshot(0.0))          # build and compile once, before the stream starts
    log = opts.log.open("w", encoding="utf-8") if opts.log else None
    times, statuses = [], []
    print(f"{'t [s]':>6} {'status':>10} {'min SINR':>9} {'target gain [W]':>16} {'angle CRB [deg]':>16} "
          f"{'solve [ms]':>10}  recompiled")
    for step in range(opts.steps):
        net = snapshot(step * opts.dt)
        sol = planner.update(net).solve()
        if sol.status == "infeasible":                # not an exception: decide what to do about it
            sol = fallback.solve(net)
            label = "fallback"
        else:
            label = sol.status
        if not sol.ok:                                # solver failure or time limit: skip this step
            print(f"{step * opts.dt:6.1f} {sol.status:>10}  {sol.reason}")
            statuses.append(sol.status)
            continue
        gains = [t.beampattern_gain_w for t in sol.targets]
        crbs = [t.angle_crb_deg for t in sol.targets]
        print(f"{step * opts.dt:6.1f} {label:>10} {min(u.sinr_db for u in sol.users):7.2f}dB "
              f"{min(gains):16.3f} {max(crbs):16.4f} {1e3 * sol.timing.total_s:10.0f}  {sol.timing.recompiled}")
        assert sol.certificate is not None and sol.certificate.holds
        times.append((sol.timing.recompiled, sol.timing.total_s))
        statuses.append(label)
        if log:
            log.write(sol.model_dump_json() + "\n")
    if log:
        log.close()
    reused = [s for recompiled, s in times if not recompiled]
    print(f"{len(statuses)} steps: " + ", ".join(f"{statuses.count(s)} {s}" for s in sorted(set(statuses)))
          + (f"; median re-solve {1e3 * statistics.median(reused):.0f} ms" if reused else ""))
    return 0 if statuses and all(s in ("optimal", "optimal_reduced_accuracy", "fallback") for s in statuses) else 1


if __name__ == "__main__":
    raise SystemExit(main())

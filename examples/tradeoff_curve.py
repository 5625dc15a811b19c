"""The sensing-communication trade-off of a single-cell problem file, as a figure (for teaching).

Solves the file's network for a range of common SINR targets, maximising the beampattern gain
toward the targets each time, finds the largest common SINR (the communication corner) and
plots gain against SINR target with the closed-form zero-forcing + sensing-beam designs for
comparison. Prints one line per point.

    python examples/tradeoff_curve.py [problems/single-cell-teaching.yaml] [--points 10] [--out out/tradeoff.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import isacopt as iso  # noqa: E402
from isacopt import metrics  # noqa: E402
from isacopt.baselines import zero_forcing  # noqa: E402
from isacopt.channels import derive_channels  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("problem", nargs="?", default="problems/single-cell-teaching.yaml")
    args.add_argument("--points", type=int, default=10, help="SINR targets between 0 dB and the corner")
    args.add_argument("--out", type=Path, default=Path("out/tradeoff.png"))
    opts = args.parse_args(argv)

    net = iso.load_network(opts.problem)
    net = net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])  # one common target
    corner = iso.CoordinatedBeamforming(objective="max_min_sinr").solve(net)
    if not corner.ok:
        print(f"no communication corner: {corner.status} ({corner.reason})")
        return 1
    problem = iso.CoordinatedBeamforming(objective="max_min_beampattern")
    # the last point stops 0.01 dB short of the corner: at the corner itself every user's target holds with no
    # margin, a feasible set with no interior that no solver settles reliably (the bisection may end anywhere
    # within its 0.004 dB of that edge)
    targets = np.linspace(0.0, corner.objective - 0.01, opts.points)
    gains = []
    for gamma in targets:
        sol = problem.model_copy(update={"sinr_db": float(gamma)}).solve(net)
        gains.append(sol.objective if sol.ok else np.nan)
        print(f"SINR target {gamma:6.2f} dB: {sol.status:>10}, worst target gain "
              f"{sol.objective if sol.ok else float('nan'):.4f} W")
    ch = derive_channels(net)
    zf = [zero_forcing(net, ch, comm_fraction=f, sensing="directional") for f in np.linspace(0.02, 0.98, 25)]
    zf_points = np.array([(10 * np.log10(metrics.sinr(net, ch, d).min()), metrics.target_beampattern(ch, d).min())
                          for d in zf])

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(targets, gains, "o-", label="SDR optimum")
    ax.plot(zf_points[:, 0], zf_points[:, 1], "s--", ms=3, label="zero-forcing + sensing beam")
    ax.axvline(corner.objective, color="grey", ls=":", label=f"largest common SINR {corner.objective:.1f} dB")
    ax.set_xlim(-1, corner.objective + 1)
    ax.set_xlabel("common SINR target [dB]")
    ax.set_ylabel("worst target beampattern gain [W]")
    ax.set_title(net.name)
    ax.legend(fontsize=8)
    fig.tight_layout()
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(opts.out, dpi=110)
    print(f"figure written to {opts.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

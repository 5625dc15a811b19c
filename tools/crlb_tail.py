"""How the root-CRLB mean of a sweep behaves as snapshots are added, next to a bounded metric:

    python tools/crlb_tail.py DIR        # after: isacopt sweep seed-fig4-crlb-tail --out DIR

Per grid point and design: the pooled mean root CRLB (sum over targets / finite targets, as the report
takes it) and its 95 % half-width (delta method over snapshots) on the first n snapshots for growing n;
the Hill estimate of the tail index of the per-snapshot root-CRLB sums (top 1, 2 and 5 %: an index
below 2 means infinite variance, below 1 an infinite mean, and the interval then stops meaning what it
says); and the CRLB coverage with its interval at the largest n. Markdown on standard output."""

from __future__ import annotations

import sys

import numpy as np

from isacopt.sweep import ResultStore
from isacopt.sweep.report import ratio_ci, standing

STEPS = (500, 1000, 2000, 4000, 8000, 16000)


def hill(values: np.ndarray, share: float) -> float:
    """Hill's estimator of the tail index from the largest ``share`` of ``values`` (all positive)."""
    x = np.sort(values)[::-1]
    k = max(int(share * len(x)), 2)
    return float(1.0 / np.mean(np.log(x[:k] / x[k])))


def main(directory: str) -> None:
    with ResultStore(directory) as store:
        df, spec = store.dataframe(), store.spec()
    df = df[[standing(r, spec.max_gap) == "ok" for r in df.to_dict("records")]]
    keys = [k for k in spec.grid if df[k].nunique() > 1]
    steps = [n for n in STEPS if n <= df.groupby(["design"] + keys).size().min()]
    print("| design | " + " | ".join(keys) + " | " + " | ".join(f"n = {n}" for n in steps)
          + " | Hill index (1, 2, 5 %) | CRLB coverage |")
    print("|---" * (len(keys) + len(steps) + 3) + "|")
    for key, part in df.groupby(["design"] + keys):
        part = part.sort_values("snapshot")
        y, x = part["sum_root_crlb"].to_numpy(float), part["n_targets_finite"].to_numpy(float)
        cells = []
        for n in steps:
            m, h = ratio_ci(y[:n], x[:n])
            cells.append(f"{m:.0f} m +- {100 * h / m:.0f} %")
        tail = ", ".join(f"{hill(y[y > 0], s):.2f}" for s in (0.01, 0.02, 0.05))
        c, hc = ratio_ci(part["n_crlb_covered"].to_numpy(float), part["n_targets"].to_numpy(float))
        print(f"| {' | '.join(str(v) for v in key)} | " + " | ".join(cells) + f" | {tail} | "
              f"{c:.4f} +- {100 * hc / c:.1f} % |")


if __name__ == "__main__":
    main(sys.argv[1])

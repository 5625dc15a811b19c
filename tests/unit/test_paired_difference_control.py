"""The controlled paired difference of tools/fig3_optimised_tables against a known mean: the design is certified
only where its control is high (feasibility follows the geometry), so a control variate that treated the
certified snapshots as the whole population would pull the estimate toward the unselected mean. The estimand
is the plain one, the mean difference over the snapshots both designs certified."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tools.fig3_optimised_tables import paired


def _rows(design: str, snapshots: np.ndarray, comm: np.ndarray, sensing_cluster: float, ok: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"design": design, "snapshot": snapshots, "layout.tx_antennas": 8.0,
                         "problem.users_per_bs": 1.0, "problem.sensing_cluster": sensing_cluster,
                         "problem.sinr_db": np.nan, "comm_ase": comm, "sensing_ase": comm / 2, "ok": ok})


def _cell(line: str) -> tuple[float, float, float]:
    value, half, plain = map(float, re.search(r"([+-][\d.]+) \+- ([\d.]+) \(([\d.]+)\)", line).groups())
    return value, half, plain


@pytest.mark.parametrize("cut", [-np.inf, 30.0, 45.0])  # every network certified, 98 % and 69 %
def test_the_controlled_difference_keeps_the_plain_estimand_and_narrows_its_interval(cut):
    rng = np.random.default_rng(3)
    m, n = 4000, 400
    z = rng.normal(50.0, 10.0, m)  # the control's metric on every network (scaled up: the table prints 2 decimals)
    zf = z + rng.normal(0.0, 1.0, m)
    design = 2 * z + rng.normal(0.0, 1.0, m)
    selected = z[:n] > cut
    df = pd.concat([_rows("zf-q1", np.arange(m), z, np.nan, np.ones(m, bool)),
                    _rows("zf", np.arange(m), zf, 1.0, np.ones(m, bool)),
                    _rows("max-min-sinr", np.arange(n), design[:n], 1.0, selected)], ignore_index=True)
    (line,) = [row for row in paired(df) if row.startswith("| max-min-sinr")]
    value, half, plain_half = _cell(line)
    u = (cut - 50.0) / 10.0
    truth = 50.0 + 10.0 * stats.norm.pdf(u) / stats.norm.sf(u)  # E[z | z > cut]: the difference is z (+ noise)
    assert abs(value - truth) < 3 * half, (value, truth, half)
    if cut == -np.inf:  # the difference follows the control: the interval narrows to what its R^2 and the
        r2 = 100.0 / 102.0  # control's own snapshots allow, sqrt(((1 - R^2) / n + R^2 (m - n) / m^2) n): 0.33
        expected = np.sqrt(((1 - r2) / n + r2 * (m - n) / m**2) * n)
        assert 0.8 * expected < half / plain_half < 1.2 * expected, (half, plain_half, expected)

"""A level search's problem rescaled to another level (solve.relevel) is the problem made at that level: the
same bound from the same multipliers, for sensing and users' levels, margin or least power, across the
sensing rows' change of scale at low levels."""

import numpy as np
import pytest

from isacopt.coordinated import CoordinatedBeamforming
from isacopt.coordinated.subspace import _step_sdp, level_rows
from isacopt.solve.relevel import LevelFamily
from isacopt.solve.restricted import BlockTerms
from isacopt.solve.subspace import certify
from tests.helpers import small_multicell


def _problem(objective, floor=None):
    net = small_multicell(3, nt=6, sinr_db=3.0, targets_per_bs=2,
                          channels={"model": "rayleigh", "crosslink": "rayleigh", "seed": 5})
    opts = CoordinatedBeamforming(objective=objective, relaxation="subspace", sensing_sinr_db=floor)
    data = opts._prepare(net)
    return opts, data, opts._structure(data)


@pytest.mark.parametrize("objective, floor", [("max_min_sensing_sinr", None), ("max_min_sinr", None),
                                              ("max_min_sinr", -5.0)])  # users' levels next to sensing floors
@pytest.mark.parametrize("margin", [True, False])
def test_a_rescaled_problem_is_the_problem_made_at_that_level(objective, floor, margin):
    opts, data, st = _problem(objective, floor)
    sensing = objective == "max_min_sensing_sinr"

    def made(db):
        level = 10 ** (db / 10)
        step = data if sensing else data.with_sinr_targets(
            tuple(level if k in st.sinr_users else None for k in range(len(data.serving))))
        return _step_sdp(opts, step, st, level if sensing else None, margin=margin), step

    start, step = made(3.0)
    family = LevelFamily.of(start, step, st, 10 ** 0.3, margin, level_rows(opts))
    rng = np.random.default_rng(0)
    for db in (-90.0, -40.0, -3.0, 3.0, 11.5):  # -90 and -40 dB: the sensing rows' scale m > 1
        expected, _ = made(db)
        got, terms = family.at(10 ** (db / 10))
        assert [r.rhs for r in got.rows] == pytest.approx([r.rhs for r in expected.rows], rel=1e-12)
        assert [r.tau for r in got.rows] == pytest.approx([r.tau for r in expected.rows], rel=1e-12)
        if sensing and db == -90.0:  # the scale the test is about is in play
            assert any(r.rhs < 1.0 for r in got.rows if r.label.startswith("sensing_sinr:"))
        for _ in range(3):
            y = rng.exponential(size=len(expected.rows))
            want = certify(expected, BlockTerms.group(expected), y.copy())[0]
            have = certify(got, terms, y.copy())[0]
            assert have == pytest.approx(want, rel=1e-9, abs=1e-12), db

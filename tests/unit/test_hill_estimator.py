"""The tail index that docs/studies reads off the Fig. 4 root CRLBs (tools/crlb_tail.py), on samples of
known index: Pareto, P(X > x) = x^-alpha."""

import numpy as np
import pytest

from tools.crlb_tail import hill


@pytest.mark.parametrize("alpha", [1.0, 2.0, 3.0])
def test_hill_recovers_the_pareto_index(alpha):
    x = np.random.default_rng(7).pareto(alpha, 40_000) + 1.0
    for share in (0.01, 0.02, 0.05):
        assert hill(x, share) == pytest.approx(alpha, rel=0.12)

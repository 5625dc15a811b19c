"""Every problem file of the catalogue validates, and every problem in it solves to its documented outcome."""

from pathlib import Path

import pytest

from isacopt.io import load_problem
from tests.independent import recheck_comm, recheck_crlb

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "problems").glob("*.yaml"))
EXPECTED = {"single-cell-infeasible": "infeasible"}


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_catalogue_file(path):
    spec = load_problem(path)
    net = spec.network()
    assert spec.description.strip(), "every catalogue file documents itself"
    if spec.problem is None:
        return
    sol = spec.problem.solve(net)
    assert sol.status == EXPECTED.get(path.stem, "optimal"), sol.reason
    if sol.status == "optimal":  # recomputed from the design with plain numpy, not read from the certificate
        base = getattr(spec.problem, "base", spec.problem)
        recheck_comm(net, sol, joint=getattr(base, "joint_transmission", "coherent"),
                     receiver=getattr(base, "receiver", None))
        if getattr(base, "pairs", "fusion") in ("fusion", "multistatic"):
            recheck_crlb(net, sol, getattr(base, "pairs", "fusion"),
                         waveform=getattr(base, "sensing_waveform", "orthogonal"))
        # a bisection stops within rate_tol of the proven bound; everything else attains its relaxation
        tol = 1e-3 if sol.objective_name == "max_min_rate" else 1e-5
        assert sol.certificate.relaxation_gap is None or sol.certificate.relaxation_gap < tol

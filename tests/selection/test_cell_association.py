"""Cell association: branch and bound equals exhaustive search; greedy is never better; clear statuses."""

import pytest

import isacopt as iso
from isacopt.studies.instances import triangle_network


@pytest.mark.parametrize("objective,seed", [("min_power", 1), ("min_power", 2), ("max_min_beampattern", 1)])
def test_branch_and_bound_equals_exhaustive_and_greedy_is_never_better(objective, seed):
    net = triangle_network(seed, users=3, targets=2)
    base = iso.CoordinatedBeamforming(objective=objective, sinr_db=0)
    sols = {m: iso.CellAssociation(method=m, candidates=2, base=base, max_users_per_bs=2).solve(net)
            for m in ("exhaustive", "branch_and_bound", "greedy")}
    ex, bb, gr = sols["exhaustive"], sols["branch_and_bound"], sols["greedy"]
    assert ex.status.startswith("optimal") and bb.status.startswith("optimal")
    assert bb.objective == pytest.approx(ex.objective, rel=1e-4) and bb.search.gap <= 1e-4
    worse = (lambda a, b: a >= b * (1 - 1e-6)) if objective == "min_power" else (lambda a, b: a <= b * (1 + 1e-6))
    assert gr.ok and worse(gr.objective, ex.objective)
    # the load limit holds in the chosen assignment
    served = [u.serving_bs[0] for u in bb.users]
    assert max(served.count(b) for b in set(served)) <= 2
    assert bb.certificate.holds


def test_min_power_association_is_never_worse_than_nearest_bs():
    net = triangle_network(3, users=3, targets=1)
    base = iso.CoordinatedBeamforming(objective="min_power", sinr_db=3)
    best = iso.CellAssociation(method="branch_and_bound", candidates=3, base=base).solve(net)
    nearest = base.solve(net)
    assert best.objective <= nearest.objective * (1 + 1e-6)


def test_impossible_loads_and_bad_options_are_clear():
    net = triangle_network(1, users=4, targets=1)
    base = iso.CoordinatedBeamforming(objective="min_power", sinr_db=0)
    sol = iso.CellAssociation(method="branch_and_bound", candidates=3, base=base, max_users_per_bs=1).solve(net)
    assert sol.status == "infeasible" and "no assignment" in sol.reason
    with pytest.raises(iso.ValidationError, match="weighted"):
        iso.CellAssociation(base=iso.CoordinatedBeamforming(objective="weighted"))
    with pytest.raises(iso.ValidationError, match="max_exhaustive_choices"):
        iso.CellAssociation(method="exhaustive", candidates=3, base=base, max_exhaustive_choices=10).solve(net)

"""Objectives as objects: every objective a problem file may name has its class, and a solve reports the
class's unit and honours its direction and needs."""

import typing

import pytest

import isacopt as iso
from isacopt.objectives import REGISTRY, needs_problems, objective_of


@pytest.mark.parametrize("family,cls", [("coordinated", iso.CoordinatedBeamforming),
                                        ("cooperative", iso.CooperativeISAC)])
def test_the_registry_covers_exactly_the_names_a_file_may_use(family, cls):
    allowed = set(typing.get_args(cls.model_fields["objective"].annotation))
    assert allowed == set(REGISTRY[family])
    for name, obj in REGISTRY[family].items():
        assert obj.name == name and obj.unit and obj.description
        assert obj.sign() == (-1.0 if obj.maximise else 1.0)
        assert obj.better(2.0, 1.0) == obj.maximise


def test_a_solve_reports_the_class_unit_and_refuses_what_it_needs():
    net = iso.load_network("problems/single-cell-teaching.yaml")
    for name in ("min_power", "max_min_beampattern", "max_min_sinr"):
        sol = iso.CoordinatedBeamforming(objective=name, sinr_db=3.0).solve(net)
        assert sol.objective_unit == objective_of("coordinated", name).unit
    empty = net.with_updates(targets=[])
    assert needs_problems(objective_of("coordinated", "max_min_beampattern"), empty)
    assert not needs_problems(objective_of("coordinated", "min_power"), empty)
    with pytest.raises(iso.ValidationError, match="needs at least one target in the network"):
        iso.CooperativeISAC(objective="min_sum_crlb", sensing_cluster=1).check(empty)

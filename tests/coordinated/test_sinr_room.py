"""The room SINR targets leave (solve/sinr_room.py), against a second formulation: the noise margin m says the
targets hold with the noise raised by 10 log10(1 + m) dB, so the max-min SINR of the same network with that
much more noise must be the target itself. And a failure at the edge of what the network reaches says so."""

import re

import pytest

import isacopt as iso
from isacopt.solve.sinr_room import EDGE_MARGIN_DB, sinr_room_db
from tests.helpers import two_cell_network


def _common_target(net: iso.Network) -> iso.Network:
    return net.with_updates(users=[u.model_copy(update={"sinr_db": None}) for u in net.users])


def _room(net: iso.Network, target_db: float) -> float:
    problem = iso.CoordinatedBeamforming(objective="min_power", sinr_db=target_db, relaxation="sdp")
    data = problem._prepare(net)
    compiled, _ = problem._compiled_for(problem._structure(data), "sdp")
    compiled.update(data)
    return sinr_room_db(compiled.terms, compiled.vars)


def _max_min_sinr_db(net: iso.Network, noise_up_db: float) -> float:
    noisier = net.with_updates(system=net.system.model_copy(update={"noise_dbm": net.system.noise_dbm + noise_up_db}))
    sol = iso.CoordinatedBeamforming(objective="max_min_sinr", relaxation="sdp", bisection_tol_db=1e-3).solve(noisier)
    assert sol.ok, sol.reason
    return sol.objective


@pytest.mark.parametrize("name", ["teaching", "two-cell"])
def test_the_noise_margin_is_where_the_max_min_sinr_meets_the_target(name):
    net = _common_target(iso.load_network("problems/single-cell-teaching.yaml") if name == "teaching"
                         else two_cell_network())
    corner = _max_min_sinr_db(net, 0.0)
    for target in (corner - 3.0, corner + 1.0):  # room to spare, and out of reach (a negative margin)
        room = _room(net, target)
        assert room is not None and (room > 0) == (target < corner)
        assert _max_min_sinr_db(net, room) == pytest.approx(target, abs=5e-3)


def test_a_target_at_the_corner_fails_with_the_edge_named():
    """The teaching problem's users at the largest common SINR, the target's gain maximised: no solver
    attempt certifies there (examples/tradeoff_curve.py stops 0.01 dB short of it); the reason says why."""
    net = _common_target(iso.load_network("problems/single-cell-teaching.yaml"))
    corner = iso.CoordinatedBeamforming(objective="max_min_sinr").solve(net)
    sol = iso.CoordinatedBeamforming(objective="max_min_beampattern", sinr_db=corner.objective).solve(net)
    assert sol.status == "solver_failure"
    found = re.search(r"sit on the edge of what the network reaches \(noise margin (\S+) dB", sol.reason)
    assert found, sol.reason
    assert abs(float(found.group(1))) < EDGE_MARGIN_DB


def test_the_room_reads_as_the_user_acts_on_it():
    from isacopt.solve.sinr_room import room_text
    assert "edge" in room_text(0.004) and "edge" in room_text(-0.004)
    assert "out of reach" in room_text(-1.2) and "1.2 dB lower" in room_text(-1.2)
    assert room_text(3.0) == "; the SINR targets leave a noise margin of 3 dB"
    assert room_text(None) == ""


def test_the_hint_recognises_the_sinr_labels_the_certificate_writes():
    """The edge-of-feasibility hint fires when a certificate's worst constraint is a user's SINR: the label test
    and the labels written must agree (before, the hint matched its own copy of the text). A min-power design
    at half its power misses every SINR target and no power budget."""
    from isacopt.coordinated.preparation import association_of
    from isacopt.evaluate import evaluate
    from isacopt.coordinated.optimise import checks_for
    from isacopt.solve.certify import certificate, is_sinr_label

    net = _common_target(iso.load_network("problems/single-cell-teaching.yaml"))
    problem = iso.CoordinatedBeamforming(objective="min_power", sinr_db=0.0, relaxation="sdp")
    data = problem._prepare(net)
    half = problem.solve(net).design.scaled(0.5)
    ev = evaluate(data.network, data.channels, half, association_of(data), nulls=data.nulls,
                  sinr_targets=data.sinr_targets)
    cert = certificate(data, half, ev, checks_for(problem, problem._structure(data)), rank_one=True, extraction="",
                       objective=None, bound=None)
    assert not cert.holds and is_sinr_label(cert.worst_constraint), cert.worst_constraint
    assert not is_sinr_label("power of bs0")

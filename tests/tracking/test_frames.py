"""A planner's stream of frames: a 100-frame, 7-cell run re-solves without recompiling while the structure
holds (counted against the hand-offs of the predicted positions); cluster selection warm-starts from the
previous frame's links; scenario files, the command line and their errors."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import isacopt as iso
from isacopt.errors import ValidationError
from isacopt.selection import LinkSet
from isacopt.studies.instances import triangle_network
from isacopt.tracking import TrackingScenario, load_scenario, run_tracking
from isacopt.tracking.instances import hex_scenario, triangle_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_hundred_frames_recompile_only_when_the_structure_changes():
    sc = hex_scenario(100)  # 0.1 s frames, 7 cells, Nt = 6
    run = run_tracking(sc)
    assert len(run.frames) == 100 and all(f.status == "optimal" for f in run.frames)
    bs = np.array([b.position_m for b in sc.base_stations])
    seen = set()
    for f in run.frames:  # the structure: each user's serving BS and each target's sensing BS (nearest)
        prior = np.array([p.position for p in f.prior])
        seen.add(tuple(np.argmin(np.linalg.norm(prior[:, None] - bs[None], axis=-1), axis=1)))
    s = run.summary()
    assert s["solves"] == 100
    assert s["recompiles"] == len(seen) == sc.problem.compiled_count()
    assert s["recompiles"] < 10  # most frames re-use a compiled problem
    assert run.frames[1].recompiled == 0


def test_cluster_selection_warm_start_gives_the_same_choice_with_no_more_solves():
    base = iso.CooperativeISAC(objective="min_sum_crlb", rate_bps_hz=1.0, pairs="multistatic")
    net = triangle_network(2)
    cold = iso.ClusterSelection(method="branch_and_bound", candidates=3, base=base).solve(net)
    warm = iso.ClusterSelection(method="branch_and_bound", candidates=3, base=base).solve(
        net, warm_start=cold.search.chosen + ["b9 serves nobody"])  # a link that no longer exists is dropped
    assert cold.ok and warm.ok and cold.search.chosen
    assert warm.objective == pytest.approx(cold.objective, rel=1e-6)
    assert warm.search.chosen == cold.search.chosen
    assert warm.search.convex_solves <= cold.search.convex_solves


def test_solve_fixed_reproduces_a_choice_and_refuses_unknown_links():
    base = iso.CooperativeISAC(objective="min_sum_crlb", rate_bps_hz=1.0, pairs="multistatic")
    net = triangle_network(2)
    sel = iso.ClusterSelection(method="branch_and_bound", candidates=3, base=base)
    searched = sel.solve(net)
    kept = sel.solve_fixed(net, searched.search.chosen)
    assert kept.ok and kept.objective == pytest.approx(searched.objective, rel=1e-6)
    assert kept.search.method == "fixed" and kept.search.convex_solves == 1
    assert kept.search.chosen == searched.search.chosen
    with pytest.raises(ValidationError, match="b9 serves u0: not candidate links"):
        sel.solve_fixed(net, ["b9 serves u0"])
    everything = [link.describe(net) for link in LinkSet.nearest(net, 3).links]
    assert sel.solve_fixed(net, everything).status == "infeasible"  # all links at once break the backhaul


def test_reclustering_on_trigger_keeps_links_between_searches():
    every = run_tracking(triangle_scenario(6))
    lazy = run_tracking(triangle_scenario(6, recluster="on_trigger", recluster_frames=3))
    kept = [f.reason.startswith("cooperation links kept") for f in lazy.frames]
    assert not kept[0] and not kept[3] and sum(kept) >= 3  # a search at frames 0 and 3 at least (the refresh)
    assert lazy.summary()["search_convex_solves"] < 0.5 * every.summary()["search_convex_solves"]
    # keeping the links costs little here: the per-frame objective within 2 % of a search every frame
    for a, b in zip(lazy.frames, every.frames):
        assert a.objective["predictive"] <= b.objective["predictive"] * 1.02 + 1e-9


def test_tracking_a_cluster_selection_carries_links_from_frame_to_frame():
    sc = triangle_scenario(3)
    run = run_tracking(sc, 3)
    assert all(f.status.startswith("optimal") for f in run.frames)
    assert all(f.links for f in run.frames) and all(f.backhaul_bps > 0 for f in run.frames)
    # the radar links chosen are the BSs that measure the targets: a target sensed by two BSs gets the
    # range sums of every pair among them (4) and their two azimuths
    for f in run.frames:
        sensed = {}
        for link in f.links:
            bs, verb, node = link.split()
            sensed[node] = sensed.get(node, 1) + (verb == "senses")
        for i, m in enumerate(sc.movers):
            if m.kind == "target":
                q = sensed.get(m.id, 1)
                assert f.measurements[i] == q * q + q


def scenario_dict(**changes) -> dict:
    data = {"name": "s", "base_stations": [{"id": "b0", "position_m": (0, 0), "tx_antennas": 4, "rx_antennas": 4,
                                            "power_w": 1.0}],
            "movers": [{"id": "u0", "kind": "user", "position_m": (50, 60)}],
            "problem": {"kind": "coordinated_beamforming", "objective": "max_min_sinr"}}
    data.update(changes)
    return data


def test_bad_scenarios_name_the_field_and_the_fix():
    with pytest.raises(ValidationError, match="tracking.margin: 'calibrated' raises SINR targets"):
        TrackingScenario.model_validate(scenario_dict())
    with pytest.raises(ValidationError, match="duplicate id 'u0'"):
        TrackingScenario.model_validate(scenario_dict(movers=[{"id": "u0", "kind": "user", "position_m": (50, 60)}] * 2,
                                                      tracking={"margin": "none"}))
    with pytest.raises(ValidationError, match=r"movers\[0\].kind"):
        TrackingScenario.model_validate(scenario_dict(movers=[{"id": "u0", "kind": "car", "position_m": (5, 6)}]))
    with pytest.raises(ValidationError, match="tracking.outage"):
        TrackingScenario.model_validate(scenario_dict(tracking={"outage": 0.7}))
    sc = TrackingScenario.model_validate(scenario_dict(tracking={"margin": "none"},
                                                       movers=[{"id": "u0", "kind": "user", "position_m": (50, 60),
                                                                "velocity_mps": (-50, -60)}]))
    with pytest.raises(ValidationError, match=r"movers \(frame 1[01], t = 1(\.1)? s\).*min_distance_m"):  # it walks into the BS
        run_tracking(sc, 12)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "isacopt.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_track_command_writes_plot_csv_and_summary(tmp_path):
    png, csv, js = tmp_path / "t.png", tmp_path / "t.csv", tmp_path / "t.json"
    r = cli("track", "two-cell-vehicles", "--frames", "3", "--plot", str(png), "--csv", str(csv), "--json", str(js),
            "--no-progress")
    assert r.returncode == 0, r.stderr
    assert "goodput_predictive_bps_hz" in r.stdout and "recompiles" in r.stdout
    assert png.read_bytes()[:4] == b"\x89PNG"
    rows = csv.read_text().splitlines()
    assert len(rows) == 1 + 3 * len(load_scenario(ROOT / "problems/tracking/two-cell-vehicles.yaml").movers)
    summary = json.loads(js.read_text())
    assert summary["summary"]["frames"] == 3 and summary["options"]["margin"] == "calibrated"
    assert cli("validate", "two-cell-vehicles").returncode == 0


def test_track_command_rejects_a_bad_file_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / "problems/tracking/two-cell-vehicles.yaml").read_text().replace("frame_s: 0.2", "frame_s: -1"))
    r = cli("track", str(bad), "--no-progress")
    assert r.returncode == 2 and "tracking.frame_s" in r.stderr and "Traceback" not in r.stderr


def test_unreachable_targets_fall_back_to_max_min_sinr_and_say_so():
    sc = TrackingScenario.model_validate(scenario_dict(
        movers=[{"id": "u0", "kind": "user", "position_m": (50, 60)}, {"id": "u1", "kind": "user", "position_m": (-70, 40)},
                {"id": "v0", "kind": "target", "position_m": (120, -30), "velocity_mps": (3, 3)}],
        problem={"kind": "coordinated_beamforming", "objective": "max_min_beampattern", "sinr_db": 60},
        tracking={"margin": "none"}))
    run = run_tracking(sc, 2)
    assert [f.status for f in run.frames] == ["fallback", "fallback"]
    assert all(np.isfinite(f.sinr_db["predictive"]).all() for f in run.frames)  # something was transmitted
    assert run.summary()["fallback_frames"] == 2 and run.summary()["outage_predictive"] == 1.0
    strict = sc.model_copy(update={"tracking": sc.tracking.model_copy(update={"fallback": False})})
    assert {f.status for f in run_tracking(strict, 1).frames} == {"infeasible"}

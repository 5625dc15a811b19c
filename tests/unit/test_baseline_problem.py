"""The closed-form baseline as a problem kind: same design as the baseline functions, honest status."""

import numpy as np
import pytest

import isacopt as iso
from isacopt.association import Association
from isacopt.baselines import zero_forcing
from isacopt.channels import derive_channels
from isacopt.io import parse_problem
from isacopt.metrics import sinr


def test_baseline_problem_reports_the_zero_forcing_design(two_cell):
    sol = iso.BaselineDesign(precoder="zf", comm_fraction=0.6, sensing="isotropic").solve(two_cell)
    assert sol.status == "closed_form" and sol.ok and sol.objective is None and sol.bound is None
    ch = derive_channels(two_cell)
    ref = zero_forcing(two_cell, ch, comm_fraction=0.6, sensing="isotropic")
    expected = 10 * np.log10(sinr(two_cell, ch, ref))
    assert np.allclose([u.sinr_db for u in sol.users], expected)
    assert np.allclose([b.power_w for b in sol.base_stations], [1.0, 2.0])  # full budgets


def test_unscheduled_users_get_nothing_and_say_so(two_cell):
    sol = iso.BaselineDesign(max_users_per_bs=1).solve(two_cell)
    unserved = [u for u in sol.users if not u.serving_bs]
    assert len(unserved) == 2 and all(u.rate_bps_hz == 0 for u in unserved)
    served = {u.id for u in sol.users if u.serving_bs}
    nearest = Association.nearest(two_cell)
    d = np.linalg.norm(two_cell.user_positions - two_cell.bs_positions[[c[0] for c in nearest.serving]], axis=1)
    assert served == {two_cell.users[int(np.argmin(np.where([c[0] == b for c in nearest.serving], d, np.inf)))].id
                      for b in range(2)}


def test_directional_sensing_illuminates_every_target_of_a_multistatic_cluster(two_cell):
    sol = iso.BaselineDesign(comm_fraction=0.0, sensing="directional", radar_cluster=2).solve(two_cell)
    gains = [t.beampattern_gain_w for t in sol.targets]
    # each BS splits its budget P over beams a_t / sqrt(Nt) toward both targets: at target t the gain is
    # P / (2 Nt) (Nt^2 + |a_t^H a_other|^2), main lobe plus the other beam's sidelobe
    ch = derive_channels(two_cell)
    for t, head in enumerate(Association.nearest(two_cell).sensing):
        b = head[0]
        a = ch.tx_steering[b]
        p = two_cell.base_stations[b].power_w
        assert gains[t] == pytest.approx(p / 8 * (16 + abs(np.vdot(a[t], a[1 - t])) ** 2), rel=1e-9)
    assert all(np.isfinite(t.root_crlb_m) for t in sol.targets)


def test_baseline_in_a_problem_file_and_bad_values():
    spec = parse_problem({"layout": {"kind": "hexagonal", "rings": 0}, "problem": {"kind": "baseline", "precoder": "mrt"}})
    assert spec.problem.solve(spec.network()).status == "closed_form"
    with pytest.raises(iso.ValidationError, match="comm_fraction"):
        parse_problem({"layout": {"kind": "hexagonal"}, "problem": {"kind": "baseline", "comm_fraction": 2}})
    with pytest.raises(iso.ValidationError, match="larger than the number of base stations"):
        iso.BaselineDesign(sensing_cluster=3).solve(iso.load_network("problems/single-cell-teaching.yaml"))

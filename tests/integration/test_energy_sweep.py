"""The energy-efficiency study at its quick size: it runs, and on the same snapshot the EE design is at least
as efficient as the minimum-power design at the same rate floor (a feasible point of the EE problem), at most
its own upper bound, and every user keeps the floor."""

import json

from isacopt.sweep import ResultStore, load_sweep, run_sweep


def test_the_ee_design_beats_min_power_and_stays_under_its_bound(tmp_path):
    spec = load_sweep("problems/sweeps/energy-efficiency-density.yaml", quick=True)
    done = run_sweep(spec, tmp_path / "ee", workers=1, progress=False, quick=True)
    assert done.stored == done.total
    with ResultStore(tmp_path / "ee") as store:
        rows = {(r["design"], r["point"], r["snapshot"]): r for r in store.rows()}
    pairs = [(r, rows[("min-power", p, s)]) for (d, p, s), r in rows.items() if d == "max-ee"]
    assert pairs
    for ee, reference in pairs:
        assert ee["status"] in ("local_optimum", "optimal") and reference["status"] == "optimal", ee["reason"]
        assert ee["energy_efficiency"] >= reference["energy_efficiency"] * (1 - 1e-6)
        assert ee["energy_efficiency"] <= ee["bound"] * (1 + 1e-9)
        assert ee["sum_rate_window"] >= 0.5 * ee["n_served"] * (1 - 1e-6)  # every user at 0.5 bit/s/Hz or more
        assert json.loads(ee["point"])["problem.comm_cluster"] == 1

"""A small cooperative-S&C sweep (the shape of seed-fig4-backhaul): the SPEC 11 keys are problem and grid
keys of kind: baseline, a design can run more snapshots than the others on the same networks, and the
summary keeps the columns outside checks read."""

import yaml

from isacopt.sweep import load_sweep, run_sweep, summarise

SPEC = {
    "name": "coop-small",
    "system": {"noise_dbm": -80, "pathloss_exponent": 2.0},
    "channels": {"model": "rician", "k_factor": 5},
    "layout": {"kind": "poisson", "window_m": 1500, "guard_m": 300, "bs_per_km2": 1.5,
               "users_per_km2": 10, "targets_per_km2": 10, "tx_antennas": 4, "rx_antennas": 3},
    "designs": [
        {"name": "cooperative", "problem": {"kind": "baseline", "precoder": "rzf", "data_power": "gain",
                                            "users_per_bs": 1, "targets_per_bs": 1, "project_sensing": False,
                                            "sensing_waveform": "orthogonal", "crlb_interference": True,
                                            "angle_information": True}},
        {"name": "non-cooperative", "snapshots": 5, "ignore": ["layout.backhaul_bps", "problem.joint_cluster",
                                                               "problem.radar_cluster"],
         "problem": {"kind": "baseline", "precoder": "rzf", "users_per_bs": 1, "targets_per_bs": 1,
                     "project_sensing": False, "angle_information": True, "crlb_interference": True,
                     "pairs": "fusion"}}],
    "grid": {"layout.backhaul_bps": [1.0e8, 1.0e11], "problem.comm_fraction": [0.3, 0.8],
             "problem.joint_cluster": [1, 2], "problem.radar_cluster": [1, 2]},
    "snapshots": 2,
    "seed": 5,
    "report": [{"kind": "tradeoff", "x": "mean_root_crlb", "y": "mean_rate", "series": "layout.backhaul_bps",
                "baseline": "non-cooperative", "note": "sensing_waveform=orthogonal"}],
}


def test_cooperative_sweep_runs_and_summarises(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    spec = load_sweep(path)
    done = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert done.total == 2 * 2 * 2 * 2 * 2 + 2 * 5 and done.stored == done.total, done.summary()
    table = summarise(tmp_path / "out")
    for col in ("design", "layout.backhaul_bps", "mean_rate", "mean_rate_ci95", "mean_root_crlb",
                "mean_root_crlb_ci95"):
        assert col in table.columns
    assert table["complete"].all()
    base = table[table["design"] == "non-cooperative"]
    assert (base["snapshots"] == 5).all() and (base["mean_root_crlb"] > 0).all()
    coop = table[table["design"] == "cooperative"]
    # a radar cluster localises better than one BS, on the same networks
    q2 = coop[coop["problem.radar_cluster"] == 2]["mean_root_crlb"].mean()
    q1 = coop[coop["problem.radar_cluster"] == 1]["mean_root_crlb"].mean()
    assert q2 < q1
    from isacopt.sweep.figures import report_figure

    png = report_figure(spec, table, tmp_path / "fig.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

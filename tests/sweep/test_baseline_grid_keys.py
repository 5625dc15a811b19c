"""The interface outside checks use: every option of the closed-form model is a problem key and a grid
key of a sweep, the older name of users_per_bs still works as a grid key, refusals are rows, and
summarise keeps its columns."""

import json

import yaml

from isacopt.sweep import load_sweep, run_sweep, summarise

SPEC = {
    "name": "baseline-keys",
    "system": {"noise_dbm": -80, "pathloss_exponent": 2.0},
    "channels": {"model": "rayleigh", "crosslink": "rayleigh"},
    "layout": {"kind": "poisson", "window_m": 1200, "guard_m": 400, "populate_guard": True, "bs_per_km2": 2,
               "users_per_km2": 20, "targets_per_km2": 20, "tx_antennas": 4, "rx_antennas": 3},
    "designs": [{"name": "model", "problem": {"kind": "baseline", "precoder": "zf", "users_per_bs": 1,
                                               "targets_per_bs": 1, "comm_cluster": 1, "sensing_cluster": 1,
                                               "sensing_streams": "dedicated", "sensing_null_rank": "beam",
                                               "comm_fraction": 0.5}}],
    "grid": {"problem.precoder": ["zf", "mmse"], "problem.users_per_bs": [1, 3], "problem.targets_per_bs": [1],
             "problem.comm_cluster": [1, 2], "problem.sensing_cluster": [2], "problem.sensing_streams": ["dedicated"],
             "problem.sensing_null_rank": ["beam", "full"], "problem.comm_fraction": [0.5]},
    "snapshots": 2,
    "seed": 3,
}


def test_every_model_option_is_a_grid_key_and_refusals_are_rows(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    done = run_sweep(load_sweep(path), tmp_path / "out", workers=1, progress=False)
    assert done.stored == done.total and "error" not in done.statuses, done.summary()
    assert "dof_refused" in done.statuses  # K = 3 with L = 2 (or full receiver nulls) exceeds Nt = 4
    table = summarise(tmp_path / "out")
    for col in ("comm_ase", "sensing_ase", "mean_rate", "problem.users_per_bs", "problem.sensing_null_rank",
                "problem.comm_fraction", "problem.precoder"):
        assert col in table.columns
    fits = table[(table["problem.users_per_bs"] == 1) & (table["problem.sensing_null_rank"] == "beam")]
    assert fits["complete"].all() and (fits["comm_ase"] > 0).all() and (fits["sensing_ase"] > 0).all()
    refused = table[(table["problem.users_per_bs"] == 3) & (table["problem.comm_cluster"] == 2)]
    assert all(json.loads(e).get("dof_refused") == 2 for e in refused["excluded"])


def test_the_older_name_is_a_grid_key_too(tmp_path):
    spec = {**SPEC, "grid": {"problem.max_users_per_bs": [1, 2]}}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec))
    loaded = load_sweep(path)
    done = run_sweep(loaded, tmp_path / "out", workers=1, progress=False)
    assert done.stored == done.total and set(done.statuses) <= {"closed_form", "dof_refused"}
    table = summarise(tmp_path / "out")
    assert sorted(table["problem.max_users_per_bs"]) == [1, 2]
    assert table.sort_values("problem.max_users_per_bs")["mean_rate"].is_monotonic_decreasing

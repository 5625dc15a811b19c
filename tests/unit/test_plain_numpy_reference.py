"""Closed-form MRT snapshots evaluated by isacopt and by a plain numpy script written from SPEC.md alone
(benchmarks/plain_numpy.py, which shares only the positions and the random streams' seeding rule): every
user SINR, beampattern gain and sensing SINR agree to 1e-12."""

import numpy as np
import pytest

import isacopt as iso
from benchmarks.plain_numpy import evaluate_network
from isacopt.network.layouts import PoissonLayout


@pytest.mark.parametrize("nt,users_per_bs,channels", [
    (1, 1, {"model": "rayleigh", "seed": 3}),                          # Rayleigh cross-links, link by link
    (4, 2, {"model": "rician", "k_factor": 5, "seed": 8}),             # line-of-sight cross-links
    (12, None, {"model": "rayleigh", "seed": 11, "crosslink": "los"}),  # every user served
])
def test_isacopt_and_a_plain_numpy_evaluation_agree(nt, users_per_bs, channels):
    net = PoissonLayout(seed=5, window_m=1500, guard_m=300, bs_per_km2=3.0, users_per_km2=8, targets_per_km2=6,
                        tx_antennas=nt, rx_antennas=3).generate(channels=channels)
    design = iso.BaselineDesign(precoder="mrt", sensing="isotropic", users_per_bs=users_per_bs)
    sol = design.solve(net)
    ref = evaluate_network(net, design)
    assert net.n_bs > 3 and net.n_users > 3 and net.n_targets > 2
    assert [t.sensing_bs[0] for t in sol.targets] == [net.base_stations[b].id for b in ref["target_head"]]
    got = {"sinr": [10 ** (u.sinr_db / 10) for u in sol.users],
           "beampattern": [t.beampattern_gain_w for t in sol.targets],
           "sensing_sinr": [10 ** (t.sensing_sinr_db / 10) for t in sol.targets]}
    for key, values in got.items():
        assert np.allclose(values, ref[key], rtol=1e-12, atol=0), key
    if users_per_bs is not None:  # some users left unserved: SINR 0 in both
        assert min(got["sinr"]) == 0.0

"""The ln^2(N) study: the mean CRLB falls with the cluster size, and more slowly than 1/N^2."""

import numpy as np

from isacopt.studies import crlb_vs_cluster_size


def test_mean_crlb_decreases_with_the_number_of_cooperating_bss():
    r = crlb_vs_cluster_size((2, 3, 4, 6, 8, 10), seeds=150)
    assert np.all(np.diff(r.mean_crlb_m2) < 0), r.mean_crlb_m2
    # beyond the first few BSs the gain is far below the N^2 of co-located MIMO radar (path loss)
    gain = r.mean_crlb_m2[r.n == 4][0] / r.mean_crlb_m2[r.n == 8][0]
    assert 1.0 < gain < 4.0
    big = r.n >= 4  # two or three BSs: heavy-tailed geometry, see the module doc
    fitted = r.fit_ln2() / np.log(r.n[big]) ** 2
    assert np.all(np.abs(fitted - r.mean_crlb_m2[big]) < 0.25 * r.mean_crlb_m2[big]), (fitted, r.mean_crlb_m2)


def test_same_seed_same_numbers():
    a = crlb_vs_cluster_size((3, 5), seeds=20, base_seed=7)
    b = crlb_vs_cluster_size((3, 5), seeds=20, base_seed=7)
    assert np.array_equal(a.mean_crlb_m2, b.mean_crlb_m2)

"""The measurements the filter fuses carry exactly the position Fisher information the CRLB is built from,
and their Jacobians are the derivatives of the measured quantities (finite differences)."""

import numpy as np
import pytest

from isacopt.channels.derive import derive_channels
from isacopt.design import TransmitDesign
from isacopt.metrics.position_crlb import Measurement, position_fim, position_measurements
from isacopt.studies.instances import triangle_network
from isacopt.tracking.measure import predicted, stack


def random_design(net, rng):
    beams = [rng.standard_normal((b.tx_antennas, net.n_users)) + 1j * rng.standard_normal((b.tx_antennas, net.n_users))
             for b in net.base_stations]
    sensing = []
    for b in net.base_stations:
        a = rng.standard_normal((b.tx_antennas, 2)) + 1j * rng.standard_normal((b.tx_antennas, 2))
        sensing.append(0.1 * a @ a.conj().T)
    return TransmitDesign.from_arrays(net, [0.05 * w for w in beams], sensing)


@pytest.mark.parametrize("waveform", ["orthogonal", "unified"])
@pytest.mark.parametrize("angle", [False, True])
@pytest.mark.parametrize("interference", [False, True])
def test_summed_measurement_information_is_the_position_fim(waveform, angle, interference):
    net = triangle_network(7, users=2, targets=3)
    ch = derive_channels(net)
    design = random_design(net, np.random.default_rng(1))
    clusters = [(0, 1, 2), (1,), (2, 0)]
    fim = position_fim(net, ch, design, clusters, waveform=waveform, angle_information=angle, interference=interference)
    items = position_measurements(net, ch, design, clusters, waveform=waveform, angle_information=angle,
                                  interference=interference)
    for t in range(net.n_targets):
        x = np.array([*net.targets[t].position_m, 0.0, 0.0])
        _, jac, _ = stack(net.bs_positions, items[t], x)
        info = np.array([m.information for m in items[t]])
        assert (jac[:, :2].T * info) @ jac[:, :2] == pytest.approx(fim[t], rel=1e-10, abs=1e-30)
    # a single BS's cluster measures its own range and (with angle information) its azimuth
    assert {m.kind for m in items[1]} == ({"range_sum", "azimuth"} if angle else {"range_sum"})


@pytest.mark.parametrize("m", [Measurement("range_sum", 0, 1, 1.0), Measurement("range_sum", 2, 2, 1.0),
                               Measurement("azimuth", 1, 1, 1.0)])
def test_jacobians_are_the_finite_difference_derivatives(m):
    bs = np.array([[0.0, 0.0], [300.0, 10.0], [120.0, 250.0]])
    x = np.array([140.0, 90.0, 3.0, -2.0])
    _, grad = predicted(bs, m, x)
    step = 1e-5
    fd = [(predicted(bs, m, x + step * e)[0] - predicted(bs, m, x - step * e)[0]) / (2 * step) for e in np.eye(4)]
    assert grad == pytest.approx(fd, rel=1e-6, abs=1e-10)

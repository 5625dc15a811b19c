"""A uniform linear array learns nothing about a bearing along its axis: with a beam steered at the target,
the angle information of one BS is, in closed form (the echo b(phi) a(phi)^H f with the complex amplitude
unknown, derivative of the phases pi n cos(phi - psi)),

    J_phi = 2 L G P / sigma^2 * pi^2 sin^2(phi - psi) * Nr (Nr^2 - 1) / 12 * Nt,

so a single BS's root position CRLB grows as 1 / |sin(phi - psi)| toward endfire. With bearings uniform
(a Poisson network), P(root CRLB > x) ~ c / x: the mean root CRLB of single-BS localisation is infinite,
which is why the Fig. 4 study's non-cooperative and Q = 1 means do not settle (docs/studies)."""

import math

import numpy as np
import pytest

import isacopt as iso
from isacopt.channels import derive_channels
from isacopt.channels.arrays import steering
from isacopt.design import TransmitDesign
from isacopt.metrics import position_fim
from isacopt.metrics.angle_crb import angle_fisher
from isacopt.metrics.position_crlb import crlb_from_fim


def _one_bs(phi, psi_deg, nt, nr, d=100.0, power=1.0):
    net = iso.Network(system=iso.SystemParams(), channels={"model": "los"},
                      base_stations=[{"id": "b", "position_m": [0, 0], "tx_antennas": nt, "rx_antennas": nr,
                                      "power_w": power, "orientation_deg": psi_deg}],
                      targets=[{"id": "t", "position_m": [d * math.cos(phi), d * math.sin(phi)]}])
    f = steering(nt, phi, math.radians(psi_deg)) * math.sqrt(power / nt)  # unit-gain beam at the target
    return net, derive_channels(net), TransmitDesign.from_arrays(net, [np.zeros((nt, 0))], [np.outer(f, f.conj())])


@pytest.mark.parametrize("seed", range(6))
def test_angle_information_of_a_steered_beam_is_the_closed_form(seed):
    rng = np.random.default_rng(seed)
    nt, nr = int(rng.integers(2, 9)), int(rng.integers(2, 9))
    psi, phi, power = rng.uniform(-180, 180), rng.uniform(0, 2 * math.pi), rng.uniform(0.1, 2.0)
    net, ch, design = _one_bs(phi, psi, nt, nr, d=rng.uniform(30, 500), power=power)
    closed = (2 * net.system.samples * ch.radar_gain[0, 0, 0] * power / ch.noise_w * math.pi ** 2
              * math.sin(phi - math.radians(psi)) ** 2 * nr * (nr ** 2 - 1) / 12 * nt)
    assert angle_fisher(net, ch, design)[0, 0] == pytest.approx(closed, rel=1e-9)


@pytest.mark.parametrize("psi_deg", [0.0, 37.0])
def test_single_bs_root_crlb_grows_as_one_over_sine_toward_endfire(psi_deg):
    scaled = []
    for off_deg in (0.25, 0.5, 1.0, 2.0, 4.0):
        phi = math.radians(psi_deg + off_deg)
        net, ch, design = _one_bs(phi, psi_deg, 4, 5)
        fim = position_fim(net, ch, design, [[0]], "fusion", angle_information=True)[0]
        scaled.append(math.sqrt(crlb_from_fim(fim)) * abs(math.sin(math.radians(off_deg))))
    assert max(scaled) / min(scaled) < 1.002  # c / |sin|: the range term is negligible at endfire
    # exactly along the axis the bearing is unobservable: one BS cannot place the target
    net, ch, design = _one_bs(math.radians(psi_deg), psi_deg, 4, 5)
    fim = position_fim(net, ch, design, [[0]], "fusion", angle_information=True)[0]
    assert crlb_from_fim(fim) == math.inf

"""Property tests (hypothesis): metrics on random valid snapshots; random invalid input raises our error only."""

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import isacopt as iso
from isacopt.association import Association
from isacopt.channels import derive_channels
from isacopt.design import TransmitDesign
from isacopt.metrics import angle_crb, position_crlb, sensing_sinr, sinr, target_beampattern
from tests.helpers import corrupted

SETTINGS = settings(max_examples=int(__import__("os").environ.get("ISACOPT_FUZZ_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
coord = st.floats(-800, 800, allow_nan=False)


@st.composite
def snapshots(draw, uniform_antennas=False, min_users=0):
    n_bs = draw(st.integers(1, 4))
    shared = (draw(st.integers(1, 6)), draw(st.integers(1, 4)))
    sizes = [shared if uniform_antennas else (draw(st.integers(1, 6)), draw(st.integers(1, 4))) for _ in range(n_bs)]
    bss = [{"id": f"b{i}", "position_m": (draw(coord), draw(coord)), "tx_antennas": nt,
            "rx_antennas": nr, "power_w": draw(st.floats(0.01, 40)),
            "orientation_deg": draw(st.floats(-180, 180))} for i, (nt, nr) in enumerate(sizes)]
    users = [{"id": f"u{k}", "position_m": (draw(coord), draw(coord)),
              "receiver": draw(st.sampled_from(["type1", "type2"]))} for k in range(draw(st.integers(min_users, 4)))]
    targets = [{"id": f"t{t}", "position_m": (draw(coord), draw(coord)), "rcs_m2": draw(st.floats(0.01, 100))}
               for t in range(draw(st.integers(0, 3)))]
    model = draw(st.sampled_from([{"model": "los"}, {"model": "rayleigh", "seed": 3},
                                  {"model": "rician", "k_factor": 4.0, "seed": 1}]))
    bs_xy = np.array([b["position_m"] for b in bss])
    gaps = np.linalg.norm(bs_xy[:, None] - bs_xy[None], axis=-1) + np.eye(n_bs) * 1e9
    assume(gaps.min() >= 2.0)  # keep clear of d_min = 1 m: invalid snapshots are tested separately
    for node in users + targets:
        assume(np.linalg.norm(bs_xy - np.array(node["position_m"]), axis=1).min() >= 2.0)
    net = iso.Network(base_stations=bss, users=users, targets=targets, channels=model)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    beams, covs = [], []
    for b in net.base_stations:
        w = rng.standard_normal((b.tx_antennas, net.n_users)) + 1j * rng.standard_normal((b.tx_antennas, net.n_users))
        f = rng.standard_normal((b.tx_antennas, b.tx_antennas)) + 1j * rng.standard_normal((b.tx_antennas,) * 2)
        cov = f @ f.conj().T
        scale = b.power_w / (np.sum(np.abs(w) ** 2) + np.trace(cov).real)
        beams.append(np.sqrt(scale) * w)
        covs.append(scale * cov)
    return net, TransmitDesign.from_arrays(net, beams, covs)


@SETTINGS
@given(snapshots())
def test_metrics_are_finite_where_they_must_be(case):
    net, design = case
    ch = derive_channels(net)
    assert np.allclose(design.power_w, [b.power_w for b in net.base_stations])
    s = sinr(net, ch, design)
    assert np.all(np.isfinite(s)) and np.all(s >= 0)
    assert np.all(target_beampattern(ch, design) >= -1e-12)
    assert np.all(np.isfinite(sensing_sinr(net, ch, design)))
    crb = angle_crb(net, ch, design)
    assert not np.any(np.isnan(crb)) and np.all(crb > 0)
    crlb = position_crlb(net, ch, design, Association.nearest(net, sensing_cluster=net.n_bs).sensing)
    assert not np.any(np.isnan(crlb)) and np.all(crlb > 0)


@SETTINGS
@given(snapshots(), st.randoms(use_true_random=False))
def test_relabelling_base_stations_changes_nothing(case, rnd):
    net, design = case
    assume(net.channels.model == "los")  # fading draws are tied to the BS index by construction
    perm = list(range(net.n_bs))
    rnd.shuffle(perm)
    net2 = net.with_updates(base_stations=[net.base_stations[i] for i in perm])
    d2 = TransmitDesign([design.beams[i] for i in perm], [design.sensing[i] for i in perm])
    ch, ch2 = derive_channels(net), derive_channels(net2)
    assert np.allclose(sinr(net, ch, design), sinr(net2, ch2, d2), rtol=1e-9)
    assert np.allclose(sensing_sinr(net, ch, design)[perm], sensing_sinr(net2, ch2, d2), rtol=1e-9)
    full = [tuple(range(net.n_bs))] * net.n_targets
    assert np.allclose(position_crlb(net, ch, design, full), position_crlb(net2, ch2, d2, full), rtol=1e-9)


@SETTINGS
@given(snapshots(), st.floats(0.1, 10))
def test_power_scaling_laws(case, factor):
    net, design = case
    ch = derive_channels(net)
    big = design.scaled(factor)
    assert np.allclose(target_beampattern(ch, big), factor * target_beampattern(ch, design), rtol=1e-9, atol=0)
    # angle CRB and position CRLB are inversely proportional to power
    assert np.allclose(angle_crb(net, ch, big), angle_crb(net, ch, design) / factor, rtol=1e-7)


@SETTINGS
@given(snapshots(uniform_antennas=True, min_users=1), st.floats(1e-3, 1e3))
def test_sinr_invariant_to_unit_scaling(case, c):
    """Channels times c and noise times c^2 leave every SINR unchanged (explicit channels)."""
    net, design = case
    ch = derive_channels(net)
    comm = np.stack(ch.comm)
    scaled = net.with_updates(channels=iso.ExplicitChannels.from_arrays(comm * c),
                              system={**net.system.model_dump(), "noise_dbm": net.system.noise_dbm + 20 * math.log10(c)})
    assert np.allclose(sinr(net, ch, design), sinr(scaled, derive_channels(scaled), design), rtol=1e-7)


BAD_VALUES = [math.nan, math.inf, -math.inf, -1, 0, -1e30, 1e30, "x", None, [], {}, [1, 2, 3], True]
VALID = {"base_stations": [{"id": "b0", "position_m": [0, 0], "tx_antennas": 4, "rx_antennas": 2, "power_w": 1.0}],
         "users": [{"id": "u0", "position_m": [50, 10], "sinr_db": 5}],
         "targets": [{"id": "t0", "position_m": [-40, 80], "rcs_m2": 1.0}],
         "system": {"carrier_hz": 5e9, "noise_dbm": -80, "samples": 100}}
PATHS = [("base_stations", 0, "position_m"), ("base_stations", 0, "tx_antennas"), ("base_stations", 0, "power_w"),
         ("base_stations", 0, "id"), ("users", 0, "position_m"), ("users", 0, "sinr_db"), ("users", 0, "receiver"),
         ("targets", 0, "rcs_m2"), ("system", "carrier_hz"), ("system", "noise_dbm"), ("system", "samples"),
         ("base_stations",), ("users",), ("system",), ("base_stations", 0, "unknown_key"), ("channels",)]


@settings(max_examples=int(__import__("os").environ.get("ISACOPT_FUZZ_EXAMPLES", 1000)), deadline=None)
@given(st.sampled_from(PATHS), st.one_of(st.sampled_from(BAD_VALUES), st.text(max_size=5),
                                          st.floats(), st.integers(-10**6, 10**6)))
def test_invalid_input_raises_only_our_error(path, value):
    data = corrupted(VALID, path, value)
    try:
        net = iso.Network(**data)
    except iso.ValidationError as err:
        assert err.problems and all(isinstance(f, str) and m for f, m in err.problems)
        return
    derive_channels(net)  # a value that happened to be valid must give a usable snapshot

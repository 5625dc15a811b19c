"""The seed's Fig. 4 problem file: its frontier is certified; with unified waveforms (the file's) it dominates
time sharing point by point, with orthogonal ones it costs more sensing per bit and loses to time sharing at
low rates (the joint region is not convex there)."""

from pathlib import Path

import isacopt as iso

ROOT = Path(__file__).resolve().parents[2]


def test_seed_fig4_frontier_beats_time_sharing():
    spec = iso.load_problem(ROOT / "problems" / "seed-fig4-frontier.yaml")
    front = iso.trace_frontier(spec.problem, spec.network(), points=3, baseline=False)
    usable = [p for p in front.points if p.usable]
    assert len(usable) == 3 and front.comm_corner.usable and front.sensing_corner.usable
    for p in usable:
        assert p.mean_root_crlb_m < front.time_sharing_crlb_at(p.mean_rate_bps_hz)


def test_orthogonal_waveforms_trade_sensing_for_rate():
    spec = iso.load_problem(ROOT / "problems" / "seed-fig4-frontier.yaml")
    rates = [1.0, 3.0]
    uni = iso.trace_frontier(spec.problem, spec.network(), rates=rates, baseline=False)
    orth = iso.trace_frontier(spec.problem.model_copy(update={"sensing_waveform": "orthogonal"}), spec.network(),
                              rates=rates, baseline=False)
    assert all(p.usable for p in uni.points + orth.points)
    # no data beams at the sensing corner: the waveform does not matter there
    assert orth.sensing_corner.mean_root_crlb_m <= uni.sensing_corner.mean_root_crlb_m * (1 + 1e-4)
    for a, b in zip(orth.points, uni.points):
        assert a.mean_root_crlb_m >= b.mean_root_crlb_m * (1 - 1e-6)
    assert orth.points[1].mean_root_crlb_m > 1.2 * uni.points[1].mean_root_crlb_m
    assert orth.comm_corner.mean_root_crlb_m > 2 * uni.comm_corner.mean_root_crlb_m

"""The seed's Fig. 4 problem file: its frontier is certified and dominates time sharing point by point."""

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

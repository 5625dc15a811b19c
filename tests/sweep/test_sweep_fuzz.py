"""Random corruptions of a valid sweep file raise only isacopt's ValidationError, naming a field."""

import os
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from isacopt.errors import ValidationError
from isacopt.sweep.spec import SweepFile, validate_sweep
from tests.helpers import corrupted

VALID = {
    "name": "fuzz", "layout": {"kind": "hexagonal", "rings": 0, "tx_antennas": 4},
    "designs": [{"name": "a", "problem": {"kind": "coordinated_beamforming", "objective": "min_power", "sinr_db": 0}},
                {"name": "b", "problem": {"kind": "baseline"}, "ignore": ["layout.tx_antennas"]}],
    "grid": {"layout.tx_antennas": [4, 8], "problem.comm_cluster": [1]},
    "snapshots": 3, "seed": 1, "quick": {"snapshots": 1}, "metrics": {"crlb_threshold_m": 5.0},
    "select": [{"name": "best", "design": "a", "over": ["problem.comm_cluster"]}],
    "report": [{"kind": "versus", "x": "layout.tx_antennas", "y": "comm_ase"}],
}
PATHS = [("name",), ("layout", "kind"), ("layout", "tx_antennas"), ("designs",), ("designs", 0, "name"),
         ("designs", 0, "problem", "objective"), ("designs", 1, "ignore"), ("grid",), ("grid", "layout.tx_antennas"),
         ("grid", "problem.comm_cluster"), ("grid", "nonsense.key"), ("snapshots",), ("seed",), ("quick", "snapshots"),
         ("select", 0, "over"), ("select", 0, "design"), ("report", 0, "x"), ("report", 0, "kind"), ("extra_key",),
         ("time_limit_s",), ("metrics", "crlb_threshold_m")]
JUNK = st.one_of(st.sampled_from([math.nan, math.inf, -1, 0, 10**12, "", "x", None, [], {}, [0], [None], True,
                                  ["problem.weight"], {"a": 1}]), st.text(max_size=4), st.integers(-10**9, 10**9),
                 st.floats(allow_nan=True), st.lists(st.integers(-5, 5), max_size=3))


@settings(max_examples=int(os.environ.get("ISACOPT_FUZZ_EXAMPLES", 1000)), deadline=None)
@given(st.sampled_from(PATHS), JUNK)
def test_corrupted_sweep_files_raise_only_our_error(path, value):
    data = corrupted(VALID, path, value)
    try:
        spec = validate_sweep(SweepFile.model_validate(data))
    except ValidationError as err:
        assert err.problems and all(isinstance(f, str) and m for f, m in err.problems)
        return
    assert spec.points()  # a corruption that happened to be valid still expands

"""tools/carry_store.py: a packed store keeps only the chosen designs' rows, and resuming from it gives
exactly the rows of an uninterrupted run (the dropped designs are recomputed)."""

from tests.sweep.conftest import stored_rows
from tools.carry_store import pack, unpack

from isacopt.sweep import ResultStore, run_sweep


def test_pack_keeps_the_chosen_design_and_a_resume_completes_it(tiny_spec, reference_dir, reference_rows, tmp_path):
    packed = tmp_path / "carried.sqlite.gz"
    pack(reference_dir, packed, ["beampattern"])
    resumed = tmp_path / "resumed"
    unpack(packed, resumed)
    with ResultStore(resumed) as store:
        kept = store.rows()
    assert kept and {r["design"] for r in kept} == {"beampattern"}
    assert len(kept) == sum(r["design"] == "beampattern" for r in reference_rows)
    run_sweep(tiny_spec, resumed, workers=1, progress=False)
    assert sorted(stored_rows(resumed), key=lambda r: r["key"]) == sorted(reference_rows, key=lambda r: r["key"])

"""The engine: identical rows whatever the back end and worker count; resumable; dead workers recorded."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from isacopt.sweep import ResultStore, build_tasks, load_results, run_sweep, run_task
from tests.sweep.conftest import TINY, stored_rows


def test_reference_run_has_every_task_once(tiny_spec, reference_rows):
    tasks = build_tasks(tiny_spec)
    # baseline: 2 fractions x 2 antenna counts; the SDP design ignores comm_fraction: 2 points
    assert len(tasks) == (4 + 2) * tiny_spec.snapshots
    assert sorted(r["key"] for r in reference_rows) == sorted(t.key for t in tasks)
    assert {r["status"] for r in reference_rows} == {"closed_form", "optimal"}


def test_two_workers_give_identical_rows(tiny_spec, reference_rows, tmp_path):
    run = run_sweep(tiny_spec, tmp_path, workers=2, progress=False)
    assert run.stored == len(reference_rows)
    assert stored_rows(tmp_path) == reference_rows


def test_dask_local_cluster_gives_identical_rows(tiny_spec, reference_rows, tmp_path):
    pytest.importorskip("distributed")
    run_sweep(tiny_spec, tmp_path, workers=2, dask="local", progress=False)
    assert stored_rows(tmp_path) == reference_rows


def test_one_task_rerun_alone_reproduces_its_row(tiny_spec, reference_rows):
    task = build_tasks(tiny_spec)[-1]
    row = run_task(tiny_spec.model_dump(mode="json"), task.as_dict())
    row.pop("wall_s")
    assert row == next(r for r in reference_rows if r["key"] == task.key)


def test_rerun_stores_nothing_new(tiny_spec, reference_rows, reference_dir):
    again = run_sweep(tiny_spec, reference_dir, workers=2, progress=False)
    assert (again.stored, again.skipped) == (0, again.total)
    assert stored_rows(reference_dir) == reference_rows


@pytest.mark.parametrize("kill_after", [0, 7])  # rows stored when the kill lands (0: store just created)
def test_sigkill_mid_run_then_resume_matches_an_uninterrupted_run(tmp_path, reference_rows, kill_after):
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "isacopt.cli", "sweep", str(TINY), "--out", str(out), "--workers", "2",
           "--no-progress"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "results.sqlite"
    deadline = time.time() + 120
    count = -1
    while time.time() < deadline and count < kill_after:
        time.sleep(0.02)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as con:
                    count = con.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
            except sqlite3.OperationalError:
                count = 0
    os.killpg(proc.pid, signal.SIGKILL)  # the coordinator and its workers, mid-run
    proc.wait()
    partial = stored_rows(out)
    assert kill_after <= len(partial) < len(reference_rows), "the kill should land mid-run"
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert stored_rows(out) == reference_rows


def test_a_worker_that_dies_is_retried_then_recorded(tiny_spec, tmp_path, monkeypatch):
    monkeypatch.setenv("ISACOPT_FAULT_KILL_SNAPSHOT", "1")  # inherited by the spawned workers
    spec = tiny_spec.model_copy(update={"designs": tiny_spec.designs[:1], "grid": {}, "snapshots": 4,
                                         "report": ()})
    run = run_sweep(spec, tmp_path, workers=2, progress=False)
    rows = stored_rows(tmp_path)
    assert len(rows) == 4  # nothing lost, nothing hung
    died = [r for r in rows if r["status"] == "worker_died"]
    assert [r["snapshot"] for r in died] == [1]  # the innocent tasks that shared its pool were not charged
    assert {r["status"] for r in rows if r["snapshot"] != 1} == {"closed_form"}
    assert all("died 3 times running this snapshot alone" in r["reason"] for r in died)
    assert run.statuses["worker_died"] == 1


def test_results_load_into_pandas(reference_rows, reference_dir):
    frame = load_results(reference_dir)
    assert len(frame) == len(reference_rows)
    assert {"design", "layout.tx_antennas", "problem.comm_fraction", "comm_ase", "status", "seed"} <= set(frame.columns)
    assert set(frame["layout.tx_antennas"]) == {4, 6}


def test_a_directory_of_another_sweep_is_refused(tiny_spec, reference_dir):
    from isacopt.errors import ValidationError

    other = tiny_spec.model_copy(update={"seed": 8})
    with pytest.raises(ValidationError, match="holds results of another sweep"):
        run_sweep(other, reference_dir, workers=1, progress=False)
    with ResultStore(reference_dir) as store:
        assert store.count() == len(build_tasks(tiny_spec))


def test_a_script_without_a_main_guard_fails_fast_with_the_fix(tmp_path):
    """Spawned workers re-import the main script; without the guard the pool cannot start. That must be
    one clear error at once, not every snapshot charged as worker_died after three retries each."""
    script = tmp_path / "no_guard.py"
    script.write_text("from isacopt.sweep import load_sweep, run_sweep\n"
                      f"run_sweep(load_sweep({str(TINY)!r}, quick=True), {str(tmp_path / 'out')!r}, workers=2, progress=False)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "SweepStartError" in done.stderr and 'if __name__ == "__main__":' in done.stderr
    assert not (tmp_path / "out" / "results.sqlite").exists() or load_results(tmp_path / "out").empty


def test_more_snapshots_extend_a_store_and_fewer_report_the_first(tiny_spec, reference_rows, tmp_path):
    """Snapshot i's seed depends only on (seed, i): a store of 2 snapshots grows to 3 by running the third
    alone, row for row what a 3-snapshot run stores; a report at 2 counts the first 2 of each point."""
    from isacopt.sweep import summarise

    fewer = tiny_spec.model_copy(update={"snapshots": 2})
    first = run_sweep(fewer, tmp_path, workers=1, progress=False)
    more = run_sweep(tiny_spec, tmp_path, workers=1, progress=False)
    per_snapshot = first.total // 2
    assert (more.stored, more.skipped) == (per_snapshot, first.total)
    by_key = lambda rows: sorted(rows, key=lambda r: r["key"])  # noqa: E731
    assert by_key(stored_rows(tmp_path)) == by_key(reference_rows)
    assert set(summarise(tmp_path)["snapshots"]) == {3}
    back = run_sweep(fewer, tmp_path, workers=1, progress=False)
    assert back.stored == 0
    table = summarise(tmp_path)
    assert set(table["snapshots"]) == {2}
    with ResultStore(tmp_path) as store:  # the report's mean is over snapshots 0 and 1 only
        df = store.dataframe()
    mine = df[(df.design == "zf") & (df["problem.comm_fraction"] == 0.3) & (df["layout.tx_antennas"] == 4)]
    assert len(mine) == 3
    row = table[(table.design == "zf") & (table["problem.comm_fraction"] == 0.3) & (table["layout.tx_antennas"] == 4)]
    assert row["sensing_ase"].iloc[0] == pytest.approx(mine[mine.snapshot < 2].sensing_ase.mean())
    assert row["sensing_ase"].iloc[0] != pytest.approx(mine.sensing_ase.mean())


def test_a_store_written_with_the_legacy_digest_opens(tiny_spec, reference_dir, tmp_path):
    import shutil

    copy = tmp_path / "old"
    shutil.copytree(reference_dir, copy)
    db = sqlite3.connect(copy / "results.sqlite")
    with db:
        db.execute("UPDATE meta SET value = ? WHERE name = 'digest'", (tiny_spec.legacy_digest(),))
    db.close()
    more = run_sweep(tiny_spec.model_copy(update={"snapshots": 4}), copy, workers=1, progress=False)
    assert more.stored == more.total // 4  # only the fourth snapshot of each point runs
    other = tiny_spec.model_copy(update={"seed": 8})
    assert other.legacy_digest() != tiny_spec.legacy_digest()  # the legacy digest still tells sweeps apart

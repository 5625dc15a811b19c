"""Ctrl-C on a running sweep, as a terminal sends it: SIGINT to the whole process group.

The sweep must stop promptly, say how many snapshots are stored and how to resume, print no
traceback (neither its own nor a worker's), exit 130, and a rerun must complete it to exactly the
rows of an uninterrupted run. The interrupt lands at seeded random points: while the workers start,
and after a random number of stored rows.
"""

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.sweep.conftest import TINY, stored_rows, terminal_sigint

HANG = 60.0  # seconds after SIGINT that count as a hang (the sweep itself stops in about one)
SNAPSHOTS = 8  # the tiny sweep with more snapshots (48 rows), so that an interrupt lands mid-run
RNG = random.Random(20261203)
CASES = [("local", 0, RNG.uniform(0.0, 1.5)), ("local", 0, RNG.uniform(1.5, 3.0)),
         ("local", RNG.randint(1, 12), RNG.uniform(0.0, 0.2)), ("local", RNG.randint(13, 30), RNG.uniform(0.0, 0.2)),
         ("dask", RNG.randint(1, 20), 0.0)]


def _stored(db) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM rows").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.parametrize("backend,after_rows,extra_s", CASES,
                         ids=[f"{b}-after{n}rows-plus{d:.2f}s" for b, n, d in CASES])
def test_ctrl_c_stops_cleanly_and_a_rerun_resumes(tmp_path, reference_rows, backend, after_rows, extra_s):
    out, sweep_file = tmp_path / "interrupted", tmp_path / "longer.yaml"
    sweep_file.write_text(TINY.read_text().replace("snapshots: 3", f"snapshots: {SNAPSHOTS}"))
    cmd = [sys.executable, "-m", "isacopt", "sweep", str(sweep_file), "--out", str(out), "--workers", "2"]
    if backend == "dask":
        cmd += ["--dask", "local"]
    proc = subprocess.Popen(cmd, start_new_session=True, preexec_fn=terminal_sigint, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    db = out / "results.sqlite"
    deadline = time.time() + 180
    while time.time() < deadline and _stored(db) < after_rows and proc.poll() is None:
        time.sleep(0.02)
    time.sleep(extra_s)
    if proc.poll() is not None:
        pytest.fail(f"the sweep finished before the interrupt landed: {proc.communicate()}")
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: every process of the group
    sent = time.time()
    try:
        stdout, stderr = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"the sweep hung for {HANG:.0f} s after Ctrl-C")
    took = time.time() - sent
    said = stdout + stderr
    assert proc.returncode == 130, said
    assert "rerun the same command to resume" in stderr, said
    for noise in ("Traceback", "Exception ignored", "KeyboardInterrupt", "panicked"):
        assert noise not in said, said
    stored = _stored(db)
    said_stored = re.search(r"(\d+)(?: of \d+)? stored in all", stderr)  # absent if it landed in the imports
    assert said_stored is None or int(said_stored.group(1)) == stored, said
    print(f"stopped {took:.2f} s after SIGINT with {stored} rows stored")
    assert not _alive(proc.pid), "a worker outlived the sweep"
    subprocess.run(cmd + ["--no-progress"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   start_new_session=True, preexec_fn=terminal_sigint)
    rows = stored_rows(out)  # seeds depend on the snapshot index only: the first 3 are the tiny sweep's
    assert len(rows) == SNAPSHOTS * len(reference_rows) // 3
    assert [r for r in rows if r["snapshot"] < 3] == reference_rows


def _alive(group: int) -> list[str]:
    """Processes of the group still running (zombies, dead but not yet reaped by init, do not count)."""
    for _ in range(50):
        ps = subprocess.run(["ps", "-o", "pid=,stat=", "-g", str(group)], capture_output=True, text=True).stdout
        alive = [line.split()[0] for line in ps.splitlines() if line.split() and not line.split()[1].startswith("Z")]
        if not alive:
            return []
        time.sleep(0.1)
    return alive


def test_sigterm_to_the_coordinator_stops_the_workers_too(tmp_path, reference_rows):
    """``kill PID`` (or a batch scheduler's stop) reaches the coordinator alone: it must stop as on Ctrl-C
    and leave no worker running (before, the workers outlived it, still solving)."""
    out, sweep_file = tmp_path / "terminated", tmp_path / "longer.yaml"
    sweep_file.write_text(TINY.read_text().replace("snapshots: 3", f"snapshots: {SNAPSHOTS}"))
    cmd = [sys.executable, "-m", "isacopt", "sweep", str(sweep_file), "--out", str(out), "--workers", "2",
           "--no-progress"]
    proc = subprocess.Popen(cmd, start_new_session=True, preexec_fn=terminal_sigint, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 180
    while time.time() < deadline and _stored(out / "results.sqlite") < 5 and proc.poll() is None:
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.fail(f"the sweep finished before SIGTERM landed: {proc.communicate()}")
    os.kill(proc.pid, signal.SIGTERM)
    try:
        stdout, stderr = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"the sweep hung for {HANG:.0f} s after SIGTERM")
    assert proc.returncode == 130, stdout + stderr
    assert "rerun the same command to resume" in stderr and "Traceback" not in stdout + stderr
    assert not _alive(proc.pid), "a worker outlived the sweep"
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                   preexec_fn=terminal_sigint)
    assert [r for r in stored_rows(out) if r["snapshot"] < 3] == reference_rows

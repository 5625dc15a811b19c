"""``isacopt solve``: tables, JSON, exit codes 0 / 3 / 2, plots and design files."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run([sys.executable, "-m", "isacopt.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_solve_teaching_case_writes_json_npz_and_plot(tmp_path):
    out, npz, png = tmp_path / "s.json", tmp_path / "d.npz", tmp_path / "p.png"
    r = run("solve", "single-cell-teaching", "--json", str(out), "--npz", str(npz), "--plot", str(png))
    assert r.returncode == 0, r.stderr
    assert "status: optimal" in r.stdout and "certificate: holds" in r.stdout
    data = json.loads(out.read_text())
    assert data["status"] == "optimal" and data["objective_unit"] == "W"
    assert len(data["users"]) == 3 and data["certificate"]["holds"]
    assert npz.stat().st_size > 0 and png.read_bytes()[:4] == b"\x89PNG"


def test_infeasible_exit_3_with_reason_in_json(tmp_path):
    out = tmp_path / "inf.json"
    r = run("solve", "problems/single-cell-infeasible.yaml", "--json", str(out))
    assert r.returncode == 3, r.stderr
    data = json.loads(out.read_text())
    assert data["status"] == "infeasible"
    assert data["conflicts"] and all("SINR of user" in c for c in data["conflicts"])
    assert "infeasible" in r.stdout


def test_bad_input_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / "problems/single-cell-teaching.yaml").read_text().replace(
        "objective: max_min_beampattern", "objective: max_min_beampattern\n  comm_clustr: 2"))
    r = run("solve", str(bad), "--json", str(tmp_path / "x.json"))
    assert r.returncode == 2
    assert "problem.comm_clustr" in r.stderr and "Traceback" not in r.stderr


def test_dof_error_is_bad_input(tmp_path):
    text = (ROOT / "problems/single-cell-teaching.yaml").read_text().replace("tx_antennas: 8", "tx_antennas: 2")
    f = tmp_path / "dof.yaml"
    f.write_text(text)
    r = run("solve", str(f), "--json", str(tmp_path / "x.json"))
    assert r.returncode == 2 and "Nt = 2" in r.stderr and "3 streams" in r.stderr


def test_snapshot_without_problem_section(tmp_path):
    r = run("solve", "problems/hex-7cell.yaml", "--json", str(tmp_path / "x.json"))
    assert r.returncode == 2 and "no 'problem:' section" in r.stderr

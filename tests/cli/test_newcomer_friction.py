"""What a newcomer meets first: messages that say what to fix, output that reads well."""

import subprocess
import sys
from pathlib import Path

import pytest

import isacopt as iso

ROOT = Path(__file__).resolve().parents[2]
ONE_BS = "  - {id: a, position_m: [0, 0], tx_antennas: 4, rx_antennas: 4, power_w: 1}\n"


def isacopt(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "isacopt", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180)


def test_a_misspelt_key_gets_the_closest_valid_name(tmp_path):
    f = tmp_path / "typo.yaml"
    f.write_text("name: t\nbase_stations:\n" + ONE_BS + "users:\n  - {id: u, position_m: [50, 0], sinr_dB: 10}\n"
                 "problem: {kind: coordinated_beamforming, objectiv: min_power}\n")
    r = isacopt("validate", str(f))
    assert r.returncode == 2
    assert "users[0].sinr_dB: unknown key; did you mean 'sinr_db'?" in r.stderr
    assert "problem.objectiv: unknown key; did you mean 'objective'?" in r.stderr
    with pytest.raises(iso.ValidationError, match="did you mean 'sinr_db'"):
        iso.CoordinatedBeamforming(objective="min_power").model_copy(update={"sinr_dB": 3})


def test_a_yaml_syntax_error_names_file_line_and_column(tmp_path):
    f = tmp_path / "broken.yaml"
    f.write_text("name: x\nbase_stations:\n  - {id: a, position_m: [0, 0], tx_antennas: 4\n users: []\n")
    r = isacopt("validate", str(f))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{f}:4:7: not valid YAML" in r.stderr


def test_a_network_error_names_the_file(tmp_path):
    f = tmp_path / "ontop.yaml"
    f.write_text("name: x\nbase_stations:\n" + ONE_BS + "users:\n  - {id: u, position_m: [0, 0]}\n")
    r = isacopt("validate", str(f))
    assert r.returncode == 2 and f"invalid input in {f}" in r.stderr


def test_validate_runs_what_solve_checks_before_solving(tmp_path):
    f = tmp_path / "empty.yaml"
    f.write_text("name: e\nbase_stations:\n" + ONE_BS + "problem: {kind: coordinated_beamforming, "
                 "objective: max_min_beampattern}\n")
    validated, solved = isacopt("validate", str(f)), isacopt("solve", str(f), "--json", str(tmp_path / "s.json"))
    assert validated.returncode == solved.returncode == 2
    assert "needs at least one target" in validated.stderr and "needs at least one target" in solved.stderr


def test_validate_a_directory_checks_every_file(tmp_path):
    (tmp_path / "good.yaml").write_text((ROOT / "problems" / "single-cell-teaching.yaml").read_text())
    (tmp_path / "bad.yaml").write_text("name: b\nbase_stations: []\n")
    r = isacopt("validate", str(tmp_path))
    assert r.returncode == 2
    assert "good.yaml: valid (1 BS, 3 users, 1 target)" in r.stdout and "1 file valid, 1 with problems" in r.stdout
    assert f"invalid input in {tmp_path / 'bad.yaml'}" in r.stderr
    assert isacopt("validate", str(ROOT / "problems" / "sweeps")).returncode == 0


def test_an_infeasible_report_lists_its_conflicts_once(tmp_path):
    r = isacopt("solve", "single-cell-infeasible", "--json", str(tmp_path / "s.json"))
    assert r.returncode == 3
    conflict = "SINR of user u0 >= 40 dB"
    assert r.stdout.count(conflict) == 1, r.stdout


def test_version_help_and_warnings_read_well(tmp_path):
    v = isacopt("--version")
    assert v.returncode == 0 and v.stdout.startswith(f"isacopt {iso.__version__} (cvxpy ")
    helps = [isacopt(*cmd, "--help").stdout for cmd in (["solve"], ["sweep"], ["report"], ["frontier"], [])]
    assert all("<bool>" not in h for h in helps)
    assert "[s]" in helps[0] and "[s]" in helps[3]
    f = tmp_path / "kw.yaml"
    f.write_text("name: k\nbase_stations:\n" + ONE_BS.replace("power_w: 1", "power_w: 5000"))
    w = isacopt("validate", str(f))
    assert w.returncode == 0 and w.stderr.startswith("warning: implausible values")
    assert ".py:" not in w.stderr and "warnings.warn" not in w.stderr  # no source path, no code line


def test_the_summary_explains_what_a_user_would_question(tmp_path):
    r = isacopt("solve", "hex-7cell-sensing-nulling", "--json", str(tmp_path / "s.json"))
    assert r.returncode == 0
    assert "beampattern gain a^H R a, W toward the target, not a transmit power" in r.stdout
    assert "CRLB inf for t0" in r.stdout and "sensed by one BS" in r.stdout
    assert f"solution written to {tmp_path / 's.json'}" in r.stdout


def test_report_fits_100_columns(tmp_path):
    from isacopt.sweep import run_sweep, load_sweep, summarise
    from isacopt.sweep.report_text import report_lines

    run_sweep(load_sweep(ROOT / "tests" / "sweep" / "tiny.yaml", quick=True), tmp_path / "r", workers=1,
              progress=False)
    table = summarise(tmp_path / "r")
    names = ["comm_ase", "sensing_ase", "mean_rate", "mean_root_crlb", "crlb_coverage", "energy_efficiency"]
    lines = report_lines(table, ["problem.comm_fraction", "layout.tx_antennas"], names, width=100)
    assert max(len(line) for line in lines) <= 100
    shown = "\n".join(lines)
    for short in ("comm ASE", "sens ASE", "rate", "root CRLB", "CRLB cov", "EE"):
        assert short in shown
    assert len([line for line in lines if line.startswith("design")]) >= 2  # continued in a second block

"""``isacopt list | show | validate`` through the real entry point (a subprocess)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "isacopt.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_list_shows_the_catalogue():
    r = run("list")
    assert r.returncode == 0
    assert "seed-case-study" in r.stdout and "single-cell-teaching" in r.stdout


def test_show_summary_and_plot(tmp_path):
    png = tmp_path / "map.png"
    r = run("show", "hex-7cell", "--plot", str(png))
    assert r.returncode == 0, r.stderr
    assert "7 base stations, 21 users, 7 targets" in r.stdout
    assert "bs6" in r.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_validate_reports_every_problem_with_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsystem: {noise_dbm: .nan, carrier_hz: 0}\n"
                   "base_stations:\n  - {id: a, position_m: [0, 0], tx_antennas: 0, rx_antennas: 2, power_w: -1}\n"
                   "users:\n  - {id: u, position_m: [10, 0], receiver: type3}\n")
    r = run("validate", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    for field in ("system.noise_dbm", "system.carrier_hz", "base_stations[0].tx_antennas",
                  "base_stations[0].power_w", "users[0].receiver"):
        assert field in r.stderr


def test_validate_good_file_and_unknown_name():
    assert run("validate", "problems/single-cell-teaching.yaml").returncode == 0
    r = run("show", "no-such-problem")
    assert r.returncode == 2 and "isacopt list" in r.stderr and "Traceback" not in r.stderr

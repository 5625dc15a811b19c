"""The catalogue is package data: names resolve from any directory and from an installed wheel, and a
local ``problems/`` folder adds to it (shadowing a packaged name)."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = sorted(p.stem for p in (ROOT / "problems").glob("*.yaml"))
SWEEPS = sorted(p.stem for p in (ROOT / "problems" / "sweeps").glob("*.yaml"))


def isacopt(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "isacopt", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=180, env=env)


def test_list_and_solve_by_name_from_another_directory(tmp_path):
    listed = isacopt("list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    names = {line.split()[0] for line in listed.stdout.splitlines() if line.strip() and not line.startswith("sweeps")}
    assert set(PROBLEMS) | set(SWEEPS) <= names
    solved = isacopt("solve", "single-cell-teaching", "--json", "sol.json", cwd=tmp_path)
    assert solved.returncode == 0, solved.stderr
    assert '"status": "optimal"' in (tmp_path / "sol.json").read_text()
    assert isacopt("validate", "seed-fig4-backhaul", cwd=tmp_path).returncode == 0  # a sweep name too


def test_a_local_problems_folder_adds_and_shadows(tmp_path):
    (tmp_path / "problems").mkdir()
    text = (ROOT / "problems" / "single-cell-teaching.yaml").read_text()
    (tmp_path / "problems" / "mine.yaml").write_text(text.replace("description:", "description: MINE", 1))
    (tmp_path / "problems" / "hex-7cell.yaml").write_text(text.replace("description:", "description: LOCAL", 1))
    listed = isacopt("list", cwd=tmp_path).stdout
    assert "MINE" in listed and "LOCAL" in listed and "single-cell-teaching" in listed


def test_a_misspelt_name_suggests_the_closest(tmp_path):
    r = isacopt("show", "hex-7cel", cwd=tmp_path)
    assert r.returncode == 2 and "did you mean 'hex-7cell'" in r.stderr and "Traceback" not in r.stderr


def test_the_wheel_ships_the_catalogue_and_finds_it(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("isacopt-*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    for name in PROBLEMS:
        assert f"isacopt/problem_files/{name}.yaml" in shipped
    for name in SWEEPS:
        assert f"isacopt/problem_files/sweeps/{name}.yaml" in shipped
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:  # an installed wheel is its files unpacked into site-packages
        z.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = ("import isacopt, isacopt.catalogue as c; assert isacopt.__file__.startswith(%r), isacopt.__file__; "
             "print(sorted(c.entries('problem')), sorted(c.entries('sweep')))" % str(site))
    r = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{PROBLEMS} {SWEEPS}"

"""A tiny sweep run once per session: the reference rows the engine tests compare against."""

from pathlib import Path

import pytest

from isacopt.sweep import ResultStore, load_sweep, run_sweep

TINY = Path(__file__).with_name("tiny.yaml")


def stored_rows(directory) -> list[dict]:
    """Every stored row without its wall time (the one field that differs between runs)."""
    with ResultStore(directory) as store:
        return [{k: v for k, v in r.items() if k != "wall_s"} for r in store.rows()]


@pytest.fixture(scope="session")
def tiny_spec():
    return load_sweep(TINY)


@pytest.fixture(scope="session")
def reference_dir(tiny_spec, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    run_sweep(tiny_spec, out, workers=1, progress=False)
    return out


@pytest.fixture(scope="session")
def reference_rows(reference_dir):
    return stored_rows(reference_dir)

"""A tiny sweep run once per session: the reference rows the engine tests compare against."""

import signal
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


def terminal_sigint() -> None:
    """A child's SIGINT as under a terminal (``preexec_fn``): a suite started in the background
    (``make test &``) inherits SIGINT ignored, and Ctrl-C tests would then see nothing happen."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def python_sigint():
    """This process's SIGINT raising KeyboardInterrupt (Python's own handler), whatever was inherited."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)

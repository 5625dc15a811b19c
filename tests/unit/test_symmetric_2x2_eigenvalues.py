"""The closed-form eigenvalues of the position FIMs against LAPACK's, including nearly singular ones."""

import numpy as np
import pytest

from isacopt.metrics.position_crlb import crlb_from_fims, symmetric_2x2_eigenvalues


def _stack(rng: np.random.Generator, scale: float, ratio: float, n: int = 500) -> np.ndarray:
    """Random symmetric 2x2 matrices with eigenvalues about ``scale`` and ``scale * ratio`` (either sign of
    the smaller when ``ratio`` < 0)."""
    q = np.linalg.qr(rng.standard_normal((n, 2, 2)))[0]
    eig = np.stack([rng.uniform(0.5, 2.0, n) * scale, rng.uniform(0.5, 2.0, n) * scale * ratio], axis=1)
    m = q @ (eig[:, :, None] * np.swapaxes(q, 1, 2))
    return (m + np.swapaxes(m, 1, 2)) / 2


@pytest.mark.parametrize("scale", [1e-12, 1.0, 1e9])
@pytest.mark.parametrize("ratio", [1.0, 1e-3, 1e-8, 1e-13, 0.0, -0.5])
def test_eigenvalues_match_eigvalsh(scale, ratio):
    m = _stack(np.random.default_rng(7), scale, ratio)
    got, want = symmetric_2x2_eigenvalues(m), np.linalg.eigvalsh(m)
    assert np.all(got[:, 0] <= got[:, 1])
    # both are backward stable: each eigenvalue within a few ulps of the largest
    assert np.max(np.abs(got - want) / np.abs(want).max(axis=1, keepdims=True)) < 1e-15


def test_small_eigenvalue_keeps_its_relative_accuracy():
    # diag(1, 1e-12) turned by 30 degrees: the smaller eigenvalue is not lost to cancellation
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    q = np.array([[c, -s], [s, c]])
    m = q @ np.diag([1.0, 1e-12]) @ q.T
    small = symmetric_2x2_eigenvalues(m[None])[0, 0]
    assert abs(small - 1e-12) < 1e-4 * 1e-12 + 4e-16  # within rounding of the entries themselves


def test_crlb_of_a_stack_matches_eigvalsh_and_flags_singular():
    rng = np.random.default_rng(3)
    fims = np.concatenate([_stack(rng, 1.0, 0.3, 50), _stack(rng, 1.0, 0.0, 5), np.zeros((1, 2, 2))])
    eig = np.linalg.eigvalsh(fims)
    singular = (eig[:, -1] <= 0) | (eig[:, 0] <= 1e-9 * eig[:, -1])
    got = crlb_from_fims(fims)
    assert np.array_equal(np.isinf(got), singular)
    assert np.allclose(got[~singular], np.sum(1.0 / eig[~singular], axis=1), rtol=1e-13, atol=0)
    assert np.isinf(got[-1])

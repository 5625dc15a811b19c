"""Hermitian PSD matrices as real PSD matrices, without the redundant block equalities.

A Hermitian ``Z = X + jY`` (X symmetric, Y skew) is PSD iff its real form
``[[X, -Y], [Y, X]]`` is. The SDPs here only use real linear functionals
``Re tr(M Z)`` of Hermitian data M, and those equal ``tr(M_r S) / 2`` for the
real form ``M_r = [[Re M, -Im M], [Im M, Re M]]``. So a *general* real PSD
variable S of size 2d can stand for Z: the symmetrised ``(S + J^T S J) / 2``
(J the complex structure) is PSD, has the block form, and gives every
functional the same value. Dropping the block equalities that cvxpy's own
complex-to-real reduction adds removes a dual degeneracy that stalls
interior-point solvers (Clarabel reports "almost solved" on the complex form
and "solved" on this one), and the problem gets smaller.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
from numpy.typing import NDArray


def real_form(m: NDArray[np.complex128]) -> NDArray[np.float64]:
    """[[Re M, -Im M], [Im M, Re M]] (2d x 2d, symmetric when M is Hermitian)."""
    m = np.asarray(m)
    return np.block([[m.real, -m.imag], [m.imag, m.real]])


def hermitian_part(m: NDArray[np.complex128]) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
    """(M1, M2) Hermitian with M = M1 + j M2, so tr(M Z) = tr(M1 Z) + j tr(M2 Z) for Hermitian Z."""
    m = np.asarray(m, dtype=complex)
    return (m + m.conj().T) / 2, (m - m.conj().T) / 2j


def functional_matrix(m: NDArray[np.complex128]) -> NDArray[np.float64]:
    """The real symmetric F with ``Re tr(M Z) = sum(F * S)`` for Hermitian M (the 1/2 folded in)."""
    return real_form(m) / 2.0


def lin(f: cp.Expression, s: cp.Expression) -> cp.Expression:
    """sum(F * S): DPP when F is a Parameter and S a variable (or an affine expression of variables)."""
    return cp.sum(cp.multiply(f, s))


def to_complex(s: NDArray[np.float64]) -> NDArray[np.complex128]:
    """The Hermitian Z a real 2d x 2d S stands for: (A + D)/2 + j (C - B)/2."""
    d = s.shape[0] // 2
    a, b, c, dd = s[:d, :d], s[:d, d:], s[d:, :d], s[d:, d:]
    z = (a + dd) / 2 + 1j * (c - b) / 2
    return (z + z.conj().T) / 2


def rank_one_real(v: NDArray[np.complex128]) -> NDArray[np.float64]:
    """Real form of v v^H (to express a fixed direction as an S-matrix)."""
    return real_form(np.outer(v, v.conj()))

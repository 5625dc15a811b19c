"""Half-wavelength ULA steering vectors and their azimuth derivative (SPEC.md section 0)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def azimuth(from_xy: ArrayLike, to_xy: ArrayLike) -> NDArray[np.float64]:
    """Azimuth [rad] of ``to`` seen from ``from``: ``atan2(dy, dx)``; broadcasts over leading axes."""
    d = np.asarray(to_xy, dtype=float) - np.asarray(from_xy, dtype=float)
    return np.arctan2(d[..., 1], d[..., 0])


def steering(n: int, phi: ArrayLike, orientation: float = 0.0) -> NDArray[np.complex128]:
    """a_N(phi)[n] = exp(j pi n cos(phi - psi)), n = 0..N-1; shape phi.shape + (N,)."""
    c = np.cos(np.asarray(phi, dtype=float)[..., None] - orientation)
    phase = np.pi * np.arange(n) * c
    # cos and sin written into one complex array: the same bits as exp(1j * phase), a third less time; the first
    # element's phase is 0 * c, whose cos is 1 and whose sin is that signed zero (no trigonometry for it)
    out = np.empty(phase.shape, dtype=np.complex128)
    if n:
        out.real[..., 0] = 1.0
        out.imag[..., 0] = 0.0 * c[..., 0]
    np.cos(phase[..., 1:], out=out.real[..., 1:])
    np.sin(phase[..., 1:], out=out.imag[..., 1:])
    return out


def steering_derivative(n: int, phi: ArrayLike, orientation: float = 0.0,
                        a: NDArray[np.complex128] | None = None) -> NDArray[np.complex128]:
    """d a_N / d phi = -j pi n sin(phi - psi) a_N(phi); shape phi.shape + (N,). ``a``: a_N(phi) when the
    caller has it already (not made twice)."""
    phi = np.asarray(phi, dtype=float)
    idx = np.arange(n)
    a = steering(n, phi, orientation) if a is None else a
    return -1j * np.pi * idx * np.sin(phi[..., None] - orientation) * a


def quadratic_forms(x: NDArray, r: NDArray, y: NDArray | None = None) -> NDArray:
    """``x_t^H R y_t`` for every row t of ``x`` and ``y`` (``y`` defaults to ``x``): shape x.shape[:-1].
    A matrix product and a row sum (``einsum("ti,ij,tj->t", ...)`` without a contraction path is several
    times slower)."""
    y = x if y is None else y
    return np.sum((x.conj() @ r) * y, axis=-1)

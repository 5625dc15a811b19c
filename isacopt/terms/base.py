"""The variables every term writes on, and the Term protocol."""

from __future__ import annotations

from dataclasses import dataclass, field

import cvxpy as cp
import numpy as np

from ..formulation.realsdp import functional_matrix, lin


@dataclass
class Variables:
    """Real-form PSD variables of the SDP relaxation (see formulation.realsdp).

    ``user[k]``: S_k (2 d_b x 2 d_b) for user k at its serving BS b, standing for W_k = V_b Z_k V_b^H;
    ``sensing[b]``: S0_b for R0_b (``None`` without dedicated sensing streams).
    ``scalars`` holds auxiliary scalar variables by name (objective epigraphs).
    """

    dims: tuple[int, ...]
    user: dict[int, cp.Expression]
    sensing: list[cp.Expression | None]
    serving: tuple[int, ...]
    psd: list[cp.Constraint] = field(default_factory=list)
    scalars: dict[str, cp.Variable] = field(default_factory=dict)

    @classmethod
    def sdp(cls, dims: tuple[int, ...], serving: tuple[int, ...], sensing_streams: bool) -> "Variables":
        user = {k: cp.Variable((2 * dims[b],) * 2, PSD=True, name=f"S_user{k}") for k, b in enumerate(serving) if b >= 0}
        sens = [cp.Variable((2 * d,) * 2, PSD=True, name=f"S0_bs{b}") if sensing_streams and d > 0 else None
                for b, d in enumerate(dims)]
        return cls(dims, user, sens, serving)

    def comm(self, b: int) -> cp.Expression:
        """Real form of sum_k W_k over the users BS b serves."""
        parts = [s for k, s in self.user.items() if self.serving[k] == b]
        return cp.sum(parts) if len(parts) > 1 else (parts[0] if parts else cp.Constant(np.zeros((2 * self.dims[b],) * 2)))

    def total(self, b: int) -> cp.Expression:
        """Real form of R_b = sum_k W_k + R0_b."""
        s0 = self.sensing[b]
        return self.comm(b) if s0 is None else self.comm(b) + s0

    def power(self, b: int) -> cp.Expression:
        """tr(R_b) (in units of p_ref): the real form doubles the trace. A BS whose nulls took every
        dimension (d_b = 0) transmits nothing."""
        if self.dims[b] == 0:
            return cp.Constant(0.0)
        return cp.trace(self.total(b)) / 2


class Term:
    """A piece of the problem: Parameters made once, constraints on Variables, values per snapshot.

    ``residuals`` lists the term's soft-able constraints as ``(label, expr)`` meaning ``expr >= 0``;
    the infeasibility analysis relaxes exactly these with slacks and names the labels it had to relax.
    """

    def residuals(self, v: Variables) -> list[tuple[str, cp.Expression]]:
        return []

    def structural(self, v: Variables) -> list[cp.Constraint]:
        """Constraints that define auxiliary variables (epigraphs, Schur complements): never relaxed."""
        return []

    def constraints(self, v: Variables) -> list[cp.Constraint]:
        return self.structural(v) + [expr >= 0 for _, expr in self.residuals(v)]

    def update(self, data: object) -> None:  # pragma: no cover - interface
        return None

    def reached(self, v: Variables, label: str) -> str | None:
        """After a solve: the value the constraint ``label`` reaches, in its own units (phase-1 report)."""
        return None


def functional_param(d: int, name: str) -> cp.Parameter:
    """A (2d x 2d) symmetric Parameter holding the real functional of a Hermitian d x d matrix."""
    return cp.Parameter((2 * d, 2 * d), symmetric=True, name=name)


def set_functional(p: cp.Parameter, m: np.ndarray, scale: float = 1.0) -> None:
    f = functional_matrix(m) * scale
    p.value = (f + f.T) / 2


__all__ = ["Term", "Variables", "functional_param", "lin", "set_functional"]

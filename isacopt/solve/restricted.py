"""One restricted SDP (every block X = U Y U^H on a small orthonormal basis U) solved by Clarabel directly.

No modelling layer: the rows of ``formulation.linear`` are compressed onto the
bases with numpy (``U^H v`` per coefficient vector) and handed to Clarabel in
its own form ``min q^T x  s.t.  A x + s = b, s in K``. A Hermitian r x r matrix
enters through its real form (2r x 2r; formulation.realsdp), packed as
Clarabel's scaled upper triangle (svec: column-major, off-diagonals times
sqrt 2, so <F, S> = svec(F) . svec(S)). Rows marked elastic get a slack
sigma >= 0 priced at ``penalty`` (in the dual: y_i <= penalty) so that a
too-small subspace gives a penalised answer and duals, never "infeasible".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import clarabel
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..formulation.linear import LinearSDP
from .quiet import captured_stderr

_SVEC_CACHE: dict[int, tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]] = {}


def svec_index(n: int):
    """Rows, columns and scales of Clarabel's packed upper triangle of an n x n symmetric matrix."""
    if n not in _SVEC_CACHE:
        cols, rows = np.meshgrid(np.arange(n), np.arange(n))
        keep = rows <= cols
        r, c = rows.T[keep.T], cols.T[keep.T]  # column-major order of the upper triangle
        _SVEC_CACHE[n] = (r, c, np.where(r == c, 1.0, np.sqrt(2.0)))
    return _SVEC_CACHE[n]


def svec(m: NDArray[np.float64]) -> NDArray[np.float64]:
    """Packed scaled upper triangle of the symmetric matrix (or stack of matrices) m."""
    r, c, s = svec_index(m.shape[-1])
    return m[..., r, c] * s


def smat(x: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    r, c, s = svec_index(n)
    m = np.zeros((n, n))
    m[r, c] = x / s
    m[c, r] = x / s
    return m


def real_forms(g: NDArray[np.complex128]) -> NDArray[np.float64]:
    """Real forms of the outer products g_i g_i^H for the columns of g (r x m) -> (m, 2r, 2r)."""
    outer = np.einsum("ai,bi->iab", g, g.conj())
    top = np.concatenate([outer.real, -outer.imag], axis=2)
    bottom = np.concatenate([outer.imag, outer.real], axis=2)
    return np.concatenate([top, bottom], axis=1)


@dataclass
class BlockTerms:
    """A block's coefficients in every row, grouped: rank-one terms (rows, alpha, V) and identity terms."""

    vec_rows: NDArray[np.int64]
    vec_alpha: NDArray[np.float64]
    vectors: NDArray[np.complex128]  # d x m
    id_rows: NDArray[np.int64]
    id_alpha: NDArray[np.float64]

    @classmethod
    def group(cls, sdp: LinearSDP) -> list["BlockTerms"]:
        acc = [([], [], [], [], []) for _ in sdp.blocks]
        for i, row in enumerate(sdp.rows):
            for blk, alpha, v in row.terms:
                vr, va, vv, ir, ia = acc[blk]
                if v is None:
                    ir.append(i), ia.append(alpha)
                else:
                    vr.append(i), va.append(alpha), vv.append(v)
        out = []
        for blk, (vr, va, vv, ir, ia) in zip(sdp.blocks, acc):
            vectors = np.array(vv, dtype=complex).T if vv else np.zeros((blk.dim, 0), complex)
            out.append(cls(np.array(vr, int), np.array(va), vectors, np.array(ir, int), np.array(ia)))
        return out

    def dual_matrix(self, y: NDArray[np.float64], shift: float) -> NDArray[np.complex128]:
        """Z_X = sum_i y_i M_iX + shift I (shift: the objective's own coefficient C_X)."""
        z = (self.vectors * (self.vec_alpha * y[self.vec_rows])) @ self.vectors.conj().T
        z = z + (float(self.id_alpha @ y[self.id_rows]) + shift) * np.eye(self.vectors.shape[0])
        return (z + z.conj().T) / 2

    def value(self, x: NDArray[np.complex128], n_rows: int) -> NDArray[np.float64]:
        """This block's contribution Re tr(M_iX X) to every row, for a full d x d matrix X."""
        out = np.zeros(n_rows)
        quad = np.einsum("ai,ab,bi->i", self.vectors.conj(), x, self.vectors).real
        np.add.at(out, self.vec_rows, self.vec_alpha * quad)
        np.add.at(out, self.id_rows, self.id_alpha * float(np.trace(x).real))
        return out


@dataclass
class RestrictedSolution:
    status: str                      # Clarabel's status string
    y: NDArray[np.float64]           # row duals (>= 0; in the second-order cone for a cone group)
    blocks: list[NDArray[np.complex128]]  # compressed Y per block (r x r Hermitian)
    t: NDArray[np.float64]           # the levels t_g (max t; empty for min power)
    solver_s: float
    iterations: int
    mu: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # the limits' multipliers (>= 0)


# Clarabel's NumericalError on a restricted problem is mostly its Ruiz equilibration meeting rows whose
# coefficients span many decades (a far target's sensing row next to a near user's); without it, or with
# a larger static regularisation, the same problem usually solves (measured on Fig. 3 snapshots at Nt 16)
SOLVED = ("Solved", "AlmostSolved")
RETRY_SETTINGS = ({"equilibrate_enable": False}, {"static_regularization_constant": 1e-7})
# ... on small subspaces, where a retry costs milliseconds; on whole blocks of 16 antennas (seconds per
# solve) the retries failed as the first attempt did, and tripled the cost of every undecided step
RETRY_MAX_DIM = 8
# Clarabel's supernodal factorisation (faer, one thread) for problems with many coefficients: 1.7-1.9x less
# solver time than the default QDLDL on the large benchmark's restricted problems (133 rows, 2.5e5-3.8e5
# coefficients) and 1.2x on the paper size's whole-space solve (~1e5), 3-11 % more on Fig. 3 snapshots and
# small sizes (< 4.3e4); same iterations and answers. Two threads were no faster on this 2-core machine (and
# sweep workers already use every core). The switch sits between the measured sizes.
FAER_MIN_NNZ = 80_000
FAER_SETTINGS = {"direct_solve_method": "faer", "max_threads": 1}


def solve_restricted(sdp: LinearSDP, terms: list[BlockTerms], bases: list[NDArray[np.complex128]],
                     penalty: float, settings: dict | None = None) -> RestrictedSolution:
    """``solve_restricted_once``, retried with ``RETRY_SETTINGS`` while Clarabel stops short (bases of at
    most ``RETRY_MAX_DIM`` columns); the first attempt's answer stands when no retry solves (its multipliers
    may still certify, see the caller)."""
    first = solve_restricted_once(sdp, terms, bases, penalty, settings)
    if first.status in SOLVED or max((u.shape[1] for u in bases), default=0) > RETRY_MAX_DIM:
        return first
    solver_s = first.solver_s
    for retry in RETRY_SETTINGS:
        res = solve_restricted_once(sdp, terms, bases, penalty, {**(settings or {}), **retry})
        solver_s += res.solver_s
        if res.status in SOLVED:
            return replace(res, solver_s=solver_s)
    return replace(first, solver_s=solver_s)


def solve_restricted_once(sdp: LinearSDP, terms: list[BlockTerms], bases: list[NDArray[np.complex128]],
                          penalty: float, settings: dict | None = None) -> RestrictedSolution:
    """Solve the restricted problem in its dual (LMI) form: the row duals y are Clarabel's variables,
    each block one linear matrix inequality ``-(C_X + sum_i y_i U^H M_iX U) >= 0``, and the blocks
    Y come back as Clarabel's multipliers of those inequalities. With few rows and many matrix
    entries this form is the cheap one: each block's KKT front couples only the rows it appears in
    (the primal form was 1.5-3x slower per solve on the benchmark sizes)."""
    n_rows = len(sdp.rows)
    max_t = sdp.objective == "max_t"
    levels = sdp.inverse_groups()  # q_g <= sqrt(w_g lambda_g): the bound's terms, as variables
    n_levels = len(levels)
    n_limits = len(sdp.limits)  # mu_L >= 0, the limits' multipliers (after the q_g)
    logs = sdp.log_groups()  # v_j >= -log lambda_j, the log levels' bound terms (after the mu_L)
    n_vars = n_rows + n_levels + n_limits + len(logs)
    rhs = np.array([r.rhs for r in sdp.rows])
    elastic = np.array([i for i, r in enumerate(sdp.rows) if r.elastic], int)
    in_cone = sdp.cone_rows()
    plain = np.flatnonzero(~in_cone)
    parts_a, parts_b, cones = [], [], []
    # y >= 0 outside the cone groups; y_i <= penalty on elastic rows
    parts_a.append(sp.csc_matrix((-np.ones(plain.size), (np.arange(plain.size), plain)), shape=(plain.size, n_vars)))
    parts_b.append(np.zeros(plain.size))
    if elastic.size:
        parts_a.append(sp.csc_matrix((np.ones(elastic.size), (np.arange(elastic.size), elastic)),
                                     shape=(elastic.size, n_vars)))
        parts_b.append(np.full(elastic.size, penalty))
    cones.append(clarabel.NonnegativeConeT(plain.size + elastic.size))
    for group in sdp.cones:  # a cone group's multipliers lie in the (self-dual) second-order cone
        parts_a.append(sp.csc_matrix((-np.ones(len(group)), (np.arange(len(group)), group)),
                                     shape=(len(group), n_vars)))
        parts_b.append(np.zeros(len(group)))
        cones.append(clarabel.SecondOrderConeT(len(group)))
    if n_limits:
        cols = n_rows + n_levels + np.arange(n_limits)
        parts_a.append(sp.csc_matrix((-np.ones(n_limits), (np.arange(n_limits), cols)), shape=(n_limits, n_vars)))
        parts_b.append(np.zeros(n_limits))
        cones.append(clarabel.NonnegativeConeT(n_limits))
    taus = np.array([r.tau for r in sdp.rows])
    groups = np.array([r.group for r in sdp.rows])
    for j, (g, w) in enumerate(levels):
        # lambda_g = sum_{i in g} (-tau_i) y_i;  q_g^2 <= w_g lambda_g  <=>  ||(2 q_g, w_g - lambda_g)|| <= w_g + lambda_g
        # (with limits on level g, w_g + sum_L w_Lg mu_L in place of w_g)
        lam = np.where(groups == g, -taus, 0.0)
        rows = np.zeros((3, n_vars))
        rows[0, :n_rows], rows[1, n_rows + j], rows[2, :n_rows] = -lam, -2.0, lam
        for m, (limited, weights, _) in enumerate(sdp.limits):
            for level, weight in zip(limited, weights):
                if level == g:
                    rows[0, n_rows + n_levels + m] -= weight
                    rows[2, n_rows + n_levels + m] -= weight
        parts_a.append(sp.csc_matrix(rows)), parts_b.append(np.array([w, 0.0, w]))
        cones.append(clarabel.SecondOrderConeT(3))
    for j, (g, w, _) in enumerate(logs):
        # sup_s w log(1 + c s) - lambda s = w log(w c / lambda) - w + lambda / c, lambda = sum_{i in g} (-tau_i) y_i:
        # w v_j + lambda / c (+ w log(w c) - w, a constant) with (-v_j, 1, lambda) in Clarabel's exponential cone
        # {(x, y, z): y exp(x / y) <= z}, i.e. lambda >= exp(-v_j)
        # a level that also stands in rows (log_rows) has the weight W_j = w_j + sum of their y_i: then
        # v_j >= W_j log(W_j / lambda_j), the cone (-v_j, W_j, lambda_j), and the cost v_j + W_j (log c - 1)
        rows = np.zeros((3, n_vars))
        rows[0, n_rows + n_levels + n_limits + j] = 1.0
        rows[2, :n_rows] = np.where(groups == g, taus, 0.0)
        holders = [i for i, js in sdp.log_rows.items() if j in js]
        rows[1, holders] = -1.0
        parts_a.append(sp.csc_matrix(rows)), parts_b.append(np.array([0.0, 1.0 if not holders else w, 0.0]))
        cones.append(clarabel.ExponentialConeT())
    zero_rows = 0
    if max_t and sdp.weights:  # stationarity in each level t_g: sum_{i in g} (-tau_i) y_i = w_g
        zero_rows = len(sdp.weights)
        stationarity = np.zeros((zero_rows, n_vars))
        for g in range(zero_rows):
            stationarity[g, :n_rows] = np.where(groups == g, -taus, 0.0)
        parts_a.insert(0, sp.csc_matrix(stationarity)), parts_b.insert(0, np.array(sdp.weights, dtype=float))
        cones.insert(0, clarabel.ZeroConeT(zero_rows))
    elif sdp.objective == "inverse_max":  # stationarity in u: the multipliers of the limits without a cap sum to one
        zero_rows = 1
        row = np.zeros((1, n_vars))
        row[0, n_rows + n_levels:] = [1.0 if cap is None else 0.0 for _, _, cap in sdp.limits]
        parts_a.insert(0, sp.csc_matrix(row)), parts_b.insert(0, np.ones(1))
        cones.insert(0, clarabel.ZeroConeT(1))
    sizes = [2 * u.shape[1] for u in bases]
    off = sum(len(pb) for pb in parts_b)  # where the blocks' multipliers start in Clarabel's z
    # every block's rows as one set of triplets (one sparse construction per solve, not one per block)
    rows, cols, vals, start = [], [], [], 0
    for X, (u, t, n) in enumerate(zip(bases, terms, sizes)):
        if n == 0:
            continue
        nsv = n * (n + 1) // 2
        # s = svec(real form of -(C + sum_i y_i M_i)) = b - A y  =>  A[:, i] = svec(real form of M_i)
        if t.vec_rows.size:
            cols.append(np.repeat(t.vec_rows, nsv))
            vals.append((svec(real_forms(u.conj().T @ t.vectors)) * t.vec_alpha[:, None]).ravel())
            rows.append(np.tile(np.arange(start, start + nsv), t.vec_rows.size))
        if t.id_rows.size:
            cols.append(np.repeat(t.id_rows, nsv))
            vals.append((t.id_alpha[:, None] * svec(np.eye(n))).ravel())
            rows.append(np.tile(np.arange(start, start + nsv), t.id_rows.size))
        cost = sdp.block_cost_of(X)
        parts_b.append(svec(np.eye(n)) * cost if cost else np.zeros(nsv))  # C_X = -c I
        cones.append(clarabel.PSDTriangleConeT(n))
        start += nsv
    if start:
        parts_a.append(sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                                     shape=(start, n_vars)))
    a = sp.vstack(parts_a, format="csc")
    b = np.concatenate(parts_b)
    # maximise the bound -sum_i y_i c_i (max t), sum_i y_i c_i (min power) or sum_i y_i c_i + 2 sum_g q_g
    # (inverse sum), as a minimisation, with - sum_L mu_L cap_L for limits; minimise the bound of max t under
    # limits, -sum_i y_i c_i - 2 sum_g q_g + sum_L mu_L cap_L: the same vector
    # (plus sum_j w_j v_j + lambda_j / c_j for log levels)
    held = [any(j in js for js in sdp.log_rows.values()) for j in range(len(logs))]
    q = np.concatenate([-rhs, np.full(n_levels, -2.0), [0.0 if cap is None else cap for _, _, cap in sdp.limits],
                        [1.0 if h else w for (_, w, _), h in zip(logs, held)]])
    for g, _, scale in logs:
        q[:n_rows] -= np.where(groups == g, taus, 0.0) / scale
    for i, js in sdp.log_rows.items():
        q[i] += sum(np.log(logs[j][2]) - 1.0 for j in js)
    opts = clarabel.DefaultSettings()
    opts.verbose = False
    for key, val in {**(FAER_SETTINGS if a.nnz >= FAER_MIN_NNZ else {}), **(settings or {})}.items():
        setattr(opts, key, val)
    try:
        with captured_stderr():  # a Rust panic's message goes to fd 2; the exception below records it
            sol = clarabel.DefaultSolver(sp.csc_matrix((n_vars, n_vars)), q, a, b, cones, opts).solve()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # noqa: BLE001 - a Rust panic (pyo3 PanicException) is a BaseException
        first = (str(err).splitlines() or [type(err).__name__])[0][:200]
        return RestrictedSolution(f"panic: {first}", np.zeros(n_rows), [], np.zeros(0), 0.0, 0)
    y = np.asarray(sol.x)[:n_rows].copy()
    mu = np.clip(np.asarray(sol.x)[n_rows + n_levels:n_rows + n_levels + n_limits], 0.0, None)
    y[plain] = np.clip(y[plain], 0.0, None)  # a cone group's multipliers keep their signs
    z = np.asarray(sol.z)
    blocks = []
    for n in sizes:
        if n == 0:
            blocks.append(np.zeros((0, 0), complex))
            continue
        nsv = n * (n + 1) // 2
        s = smat(z[off:off + nsv], n)
        off += nsv
        r = n // 2
        yb = (s[:r, :r] + s[r:, r:]) + 1j * (s[r:, :r] - s[:r, r:])
        blocks.append((yb + yb.conj().T) / 2)
    return RestrictedSolution(str(sol.status), y, blocks, z[:zero_rows].astype(float),
                              float(sol.solve_time), int(sol.iterations), mu)

"""The SDP relaxation solved on growing subspaces, with a dual certificate of optimality.

The relaxation's optimum is low-rank (rank-one data beams; sensing covariances
of rank at most the number of targets), so each block X is searched as
``U Y U^H`` on a small orthonormal basis U (solve.restricted). After each
restricted solve, its row duals y give, for every block, the full-space dual
matrix ``Z_X = C_X + sum_i y_i M_iX``; the full SDP's dual needs ``Z_X <= 0``.

- **Pricing**: eigenvectors of Z_X with positive eigenvalues are directions
  in which the restricted problem is too small; they join U (with the range of
  the current Y, so the current design stays feasible: the objective never gets worse).
- **Certificate**: the duals, made exactly feasible for the *full* SDP (scaled
  so the epigraph multipliers sum to one; each BS's budget multiplier raised by
  the largest eigenvalue left among its blocks' Z_X, since the budget row has
  ``M = -I``), give a bound on the full relaxation by weak duality. The loop
  stops when the restricted design meets every row and its objective is within
  ``gap_tol`` of that bound: the design is then optimal for the full SDP to
  that tolerance, whatever subspaces it was found on.

Column generation for SDPs in this sense goes back to the spectral bundle and
cutting-plane methods (Helmberg and Rendl 2000; Krishnan and Mitchell 2006).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..formulation.angle_crb_data import fisher_levels
from ..formulation.data import SnapshotData
from ..formulation.linear import LinearSDP
from .extract import psd_part
from .limit_sums import limit_sums, limit_violation
from .log_levels import log_conjugates, log_row_values, log_value, without_unpriced_holders
from .restricted import RETRY_SETTINGS, SOLVED, BlockTerms, solve_restricted
from .subspace_bases import dual_beam, initial_bases, next_basis, own_signal_terms
from .subspace_tail import extrapolated, level_rescaled, rescalable

# Clarabel without iterative refinement of its KKT solves: 44 % less solver time on the 7-cell cooperative CRLB
# problems, 25-30 % on the large max-min beampattern benchmark (19 BSs, Nt 16) and on Fig. 3 bisections at
# Nt 16, the same optima and certificates. Only the speed depends on it: the bound is the repaired duals' and
# the design is checked row by row; a loop it leaves unsettled is run again refined (``unrefined_first``).
UNREFINED = {"iterative_refinement_enable": False}
WHOLE_SPACE_SOLVES = 5
SETTLED = frozenset({"optimal", "feasible", "infeasible", "time_limit"})


@dataclass
class SubspaceResult:
    status: str  # optimal | feasible (stop_when_feasible) | infeasible | not_converged | time_limit | solver_error
    matrices: list[NDArray[np.complex128]]  # full d x d matrix per block (solver units)
    value: float                # objective of those matrices (t, or total power), solver units
    bound: float                # certified bound on the full relaxation (upper for max t, lower for min power)
    gap: float                  # relative gap between value and bound
    violation: float            # worst row violation of the matrices (solver units)
    iterations: int
    solver_s: float
    wall_s: float
    sizes: list[int] = field(default_factory=list)  # final basis size per block
    message: str = ""
    bases: list[NDArray[np.complex128]] = field(default_factory=list)  # final basis per block (a later start)
    duals: NDArray[np.float64] | None = None  # the repaired row multipliers of the last bound (certify's)


# how a restricted solve's message begins when its dual bound proves that no design exists (a proof, unlike
# rows left short at a penalised optimum)
INFEASIBILITY_PROOF = "certified: the dual bound"


def proven_infeasible(records) -> bool:
    """The last solve record is a subspace loop's dual bound excluding every design (valid for any
    multipliers: a proof, unlike rows left short at a penalised optimum, which the SDP path settles)."""
    return bool(records) and records[-1].outcome == "infeasible" and INFEASIBILITY_PROOF in records[-1].message


def excludes_every_design(sdp: LinearSDP, bound: float, feas_tol: float = 1e-6) -> bool:
    """A dual bound that no design can meet: a feasible design has t >= 0 (gains are non-negative) and uses at
    most every budget, so a bound on t below the level's floor, or on the power above the budgets' sum, valid
    for any multipliers, proves that no design meets every row."""
    if not np.isfinite(bound):
        return False
    if sdp.objective == "max_t":
        return sdp.level_floor is not None and bound < sdp.level_floor - sdp.budget_total * feas_tol
    return sdp.minimises_power and bound > sdp.budget_total * (1 + feas_tol)


def refutes(sdp: LinearSDP, duals: NDArray[np.float64], feas_tol: float = 1e-6,
            terms: list[BlockTerms] | None = None) -> bool:
    """Do ``duals`` (the multipliers of a problem with the same rows, e.g. another level of a bisection) prove
    that no design meets every row of ``sdp``? ``certify`` repairs any multipliers into a valid bound.
    ``terms``: sdp's grouped block terms, when they are at hand (relevel)."""
    terms = BlockTerms.group(sdp) if terms is None else terms
    bound = certify(sdp, terms, np.array(duals, dtype=float))[0]
    return excludes_every_design(sdp, bound, feas_tol)


def certify(sdp: LinearSDP, terms: list[BlockTerms], y: NDArray[np.float64],
            mu: NDArray[np.float64] | None = None) -> tuple[float, list[NDArray], NDArray]:
    """A bound on the full relaxation from row duals y (and the limits' multipliers mu), made dual feasible;
    also every Z_X before the repair and the repaired duals."""
    y = project_multipliers(sdp, y)
    max_t = sdp.objective == "max_t"
    mu = np.clip(np.zeros(len(sdp.limits)) if mu is None else np.asarray(mu, float), 0.0, None)
    taus = np.array([-r.tau for r in sdp.rows])
    groups = np.array([r.group for r in sdp.rows])
    homogeneous = max_t and len(sdp.weights) == 1 and not sdp.log_weights
    if homogeneous:
        level = np.where(groups == 0, taus, 0.0)  # the objective's level (not the limits' levels)
        total = float(level @ y)
        if total <= 0:
            return np.inf, [], y
        y /= total  # stationarity in t: the epigraph multipliers sum to one
        mu /= total  # (a limit's multiplier scales with the rows': the bound is homogeneous in both)
    elif max_t:  # stationarity in each level: group g's epigraph multipliers sum to its weight
        for g, w in enumerate(sdp.weights):
            mine = (groups == g) & (taus != 0)
            total = float(taus[mine] @ y[mine])
            if w != 0 and total * w <= 0:  # (a negative weight prices a level bounded from below)
                return np.inf, [], y
            y[mine] *= w / total if w != 0 else 0.0
    if sdp.log_rows:
        y = without_unpriced_holders(sdp, taus, groups, y)
    zs = [t.dual_matrix(y, -sdp.block_cost_of(X)) for X, t in enumerate(terms)]
    worst: dict[int, float] = {}
    for X, (blk, z) in enumerate(zip(sdp.blocks, zs)):
        lam = float(np.linalg.eigvalsh(z)[-1]) if z.size else 0.0
        if X in sdp.aux_rows:  # an auxiliary scalar: its own bound row's M = -1 on it
            y[sdp.aux_rows[X]] += max(lam, 0.0)
            continue
        for b in blk.spans:
            worst[b] = max(worst.get(b, 0.0), lam)
    for b, lam in worst.items():
        if lam > 0:
            # the budget row's M = -E_b (b's antennas) on every block of b; over a block the E_b of the BSs
            # it spans add up to I, so raising each by at least the block's largest eigenvalue repairs it
            y[sdp.budget_rows[b]] += lam
    if homogeneous and any(sdp.rows[i].tau for i in sdp.budget_rows.values()):
        # budget rows that carry the level (a utilisation problem, t = -alpha): the repair moved the epigraph
        # multipliers' sum off one; with C_X = 0 a positive rescaling keeps every Z_X <= 0 and restores it
        total = float(level @ y)
        y /= total
        mu /= total
    rhs = np.array([r.rhs for r in sdp.rows])
    log_part = log_conjugates(sdp, taus, groups, y)
    if not (sdp.inverse or sdp.limited_levels):
        bound = float(-(y @ rhs) + log_part) if max_t else float(y @ rhs)
        return bound, zs, y
    # inf over t_g > 0 of w_g / t_g + lambda_g t_g is 2 sqrt(w_g lambda_g), lambda_g = sum_{i in g} (-tau_i) y_i;
    # a limit sum_{g in L} w_Lg / t_g <= c_L with multiplier mu_L adds mu_L w_Lg to w_g and -mu_L c_L
    inverse = sdp.inverse_groups()
    lam = np.array([float(taus[groups == g] @ y[groups == g]) for g, _ in inverse])
    w, index = np.array([wg for _, wg in inverse], float), {g: j for j, (g, _) in enumerate(inverse)}
    inverse_part = 0.0
    free = np.array([cap is None for _, _, cap in sdp.limits], bool)
    if free.any():  # stationarity in u ('inverse_max'): the uncapped limits' multipliers sum to one
        total = float(mu[free].sum())
        if total <= 0:
            return -np.inf, zs, y
        mu[free] /= total
    for m, (levels, weights, cap) in enumerate(sdp.limits):
        w[[index[g] for g in levels]] += mu[m] * np.asarray(weights)
        inverse_part -= mu[m] * (cap or 0.0)
    inverse_part += 2 * np.sqrt(w * np.clip(lam, 0.0, None)).sum()
    if max_t:  # max t under limits: t <= -sum_i y_i c_i - (2 sum_g sqrt(w_g lambda_g) - sum_L mu_L c_L)
        return float(-(y @ rhs) - inverse_part + log_part), zs, y
    return float(inverse_part + y @ rhs), zs, y


def project_multipliers(sdp: LinearSDP, y: NDArray[np.float64]) -> NDArray[np.float64]:
    """y made a valid multiplier: nonnegative, or in the second-order cone for a cone group (projected)."""
    y = np.asarray(y, float).copy()
    in_cone = sdp.cone_rows()
    y[~in_cone] = np.clip(y[~in_cone], 0.0, None)
    for group in sdp.cones:
        head, rest = y[group[0]], y[group[1:]]
        norm = float(np.linalg.norm(rest))
        if norm <= head:
            continue
        if norm <= -head:
            y[group] = 0.0
        else:
            y[group] = np.concatenate([[1.0], rest / norm]) * (head + norm) / 2
    return y


def cone_violation(sdp: LinearSDP, slack: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """The plain rows' slacks (cone rows set to 0) and the worst cone group's violation ``||rest|| - head``."""
    plain = slack.copy()
    worst = 0.0
    for group in sdp.cones:
        worst = max(worst, float(np.linalg.norm(slack[group[1:]]) - slack[group[0]]))
        plain[group] = 0.0
    return plain, worst


def achieved_levels(sdp: LinearSDP, vals: NDArray[np.float64], rhs: NDArray[np.float64], taus: NDArray[np.float64],
                    groups: NDArray[np.int64]) -> tuple[float, NDArray[np.float64]]:
    """The objective ``sum_g w_g t_g`` (``sum_g w_g / t_g`` for 'inverse_sum') of row values ``vals`` and each
    level t_g: the largest t_g its rows allow, ``min_{i in g} (vals_i - rhs_i) / (-tau_i)`` and each cone
    group's Schur-complement level (0 for a group without rows)."""
    levels = np.full(sdp.n_levels, np.inf)
    in_cone = sdp.cone_rows()
    for g in range(sdp.n_levels):
        mine = (groups == g) & (taus != 0) & ~in_cone
        if mine.any():
            levels[g] = float(np.min((vals[mine] - rhs[mine]) / -taus[mine]))
    for group in sdp.cones:  # the Schur complement's level: F / (its coefficient)
        if taus[group[0]] == 0:  # a cone without a level (an auxiliary scalar's): a constraint only
            continue
        g = groups[group[0]]
        levels[g] = min(levels[g], float(fisher_levels(vals[group] - rhs[group])[0]) / -taus[group[0]])
    levels[~np.isfinite(levels) & (levels > 0)] = 0.0  # a group without rows
    if sdp.objective == "inverse_max":  # the largest uncapped limit's sum
        sums = limit_sums(sdp, levels)
        free = [m for m, (_, _, cap) in enumerate(sdp.limits) if cap is None]
        return float(sums[free].max()), levels
    if sdp.objective == "inverse_sum":
        w = np.asarray(sdp.weights)
        with np.errstate(divide="ignore"):  # (a target of weight 0 adds 0)
            inverse = np.where(w == 0, 0.0, np.where(levels > 0, w / np.where(levels > 0, levels, 1.0), np.inf))
        return float(inverse.sum()), levels
    return float(np.dot(sdp.weights, levels[:len(sdp.weights)])) + log_value(sdp, levels), levels


def row_values(sdp: LinearSDP, terms: list[BlockTerms], mats: list[NDArray]) -> NDArray[np.float64]:
    n = len(sdp.rows)
    return sum((t.value(m, n) for t, m in zip(terms, mats)), np.zeros(n))


def solve_subspace(sdp: LinearSDP, data: SnapshotData, *, gap_tol: float = 1e-6, feas_tol: float = 1e-6,
                   max_iterations: int = 40, add_per_block: int = 1, memory: int = 2, penalty: float = 1e4,
                   full_dim: int = 8, stop_when_feasible: bool = False,
                   time_limit_s: float | None = None, settings: dict | None = None,
                   start: list[NDArray[np.complex128]] | None = None) -> SubspaceResult:
    """``start``: bases of an earlier solve of the same blocks (a neighbouring bisection level), used instead
    of the initial ones of blocks larger than ``full_dim`` so the loop does not grow them again; only the
    speed depends on it, never the answer (the certificate is the duals')."""
    t0 = time.perf_counter()
    terms = BlockTerms.group(sdp)
    bases = initial_bases(sdp, terms, data, full_dim)
    if start is not None and len(start) == len(bases):  # blocks solved whole keep their whole space
        bases = [s if blk.dim > full_dim and s.shape[0] == u.shape[0] and s.shape[1] else u
                 for blk, u, s in zip(sdp.blocks, bases, start)]
    max_t = sdp.objective == "max_t"
    rhs = np.array([r.rhs for r in sdp.rows])
    taus = np.array([r.tau for r in sdp.rows])
    groups = np.array([r.group for r in sdp.rows], dtype=int)
    elastic = np.array([r.elastic for r in sdp.rows], bool)
    own = own_signal_terms(sdp)
    budget_total = sdp.budget_total
    gap_floor = 1e-3 * budget_total if sdp.gap_floor is None else sdp.gap_floor
    solver_s, value, bound, gap, viol = 0.0, np.nan, np.nan, np.inf, np.inf
    mats: list[NDArray] = []
    y_dual = None
    history: list[NDArray[np.float64]] = []  # the repaired multipliers so far (their extrapolation prices too)
    unit = 1.0  # the level's unit: t = unit t' (subspace_tail)
    gaps: list[float] = []
    status, message = "not_converged", ""
    tight = whole = all(blk.dim <= full_dim for blk in sdp.blocks)  # one full solve: no loose first pass
    if tight:  # every block whole: a further solve only rotates the bases (which sometimes settles a solve that
        # stopped short), so a few, not 40 (two 7-cell max-min-rate steps spent 40 each at a gap of 1e-4)
        max_iterations = min(max_iterations, WHOLE_SPACE_SOLVES)
    retries, retry = list(RETRY_SETTINGS), {}  # Clarabel settings for an accurate solve that stopped short
    for it in range(1, max_iterations + 1):
        tol = 1e-8 if tight else float(np.clip(1e-2 * gap, 1e-8, 1e-4)) if np.isfinite(gap) else 1e-4
        loose = {"tol_gap_abs": tol, "tol_gap_rel": tol, "tol_feas": min(tol, 1e-6)} if tol > 1e-8 else {}
        clock = {}
        if time_limit_s is not None:  # Clarabel stops itself at what is left of the limit
            left = time_limit_s - (time.perf_counter() - t0)
            if left <= 0:
                status, message = "time_limit", f"time limit of {time_limit_s} s after {it - 1} restricted solves"
                break
            clock = {"time_limit": left}
        res = solve_restricted(sdp, terms, bases, penalty, {**(settings or {}), **loose, **retry, **clock})
        solver_s += res.solver_s
        if res.status == "MaxTime":
            status, message = "time_limit", f"time limit of {time_limit_s} s in restricted solve {it}"
            break
        # a solve that stopped short (NumericalError, InsufficientProgress near the edge of feasibility)
        # still returns multipliers and matrices: the design is checked row by row and the bound holds for
        # any multipliers, so either may still settle the question; otherwise the solver error stands
        inexact = res.status not in SOLVED
        if inexact and not (res.blocks and np.isfinite(res.y).all() and all(np.isfinite(y).all() for y in res.blocks)):
            status, message = "solver_error", f"restricted problem {it}: Clarabel {res.status}"
            break
        # PSD parts first (a loosely solved Y has small negative eigenvalues): the rows are then checked on
        # exactly the matrices the design is extracted from (clipping raises the trace, i.e. the power)
        mats = [u @ psd_part(y) @ u.conj().T for u, y in zip(bases, res.blocks)]
        vals = row_values(sdp, terms, mats)
        if sdp.minimises_power:
            value = sdp.power_of(mats)
            slack = vals - rhs
        else:
            value, levels = achieved_levels(sdp, vals, rhs, taus, groups)
            if unit == 1.0 and rescalable(sdp, value):
                unit, sdp = value, level_rescaled(sdp, value)
                taus = np.array([r.tau for r in sdp.rows])
                history.clear()  # multipliers normalised in the old unit
                value, levels = achieved_levels(sdp, vals, rhs, taus, groups)
            if sdp.power_price:  # a priced power on top of the CRLBs (a cost), or of a max t's levels
                value += (-1.0 if max_t else 1.0) * sdp.power_price * sdp.power_of(mats)
            slack = vals + taus * np.where(np.isfinite(levels), levels, 0.0)[groups] - rhs + log_row_values(sdp, levels)
        slack, cone_viol = cone_violation(sdp, slack)
        viol = max(float(max(0.0, -slack.min())) if slack.size else 0.0, cone_viol)
        if sdp.limits:
            viol = max(viol, limit_violation(sdp, levels))
        short_rows = np.clip(-slack[elastic], 0.0, None)  # elastic rows' shortfalls (their slacks sigma)
        shortfall, short = float(short_rows.sum()), float(short_rows.max(initial=0.0))
        bound, zs, y_dual = certify(sdp, terms, res.y, res.mu)
        history.append(y_dual)
        # (whole blocks have nothing left to price; a loop whose gap stopped halving is not converging, and
        # an estimate of its limit only grows the bases)
        converging = len(gaps) >= 2 and gaps[-1] < 0.5 * gaps[-2]
        ahead = extrapolated(history) if converging and not whole else None
        if ahead is not None:
            bound_ahead, zs_ahead, y_ahead = certify(sdp, terms, ahead, res.mu)
            if np.isfinite(bound_ahead) and (bound_ahead < bound if max_t else bound_ahead > bound):
                bound = bound_ahead
        # the bound also bounds the penalised problem (its duals respect y <= penalty), whose value is below;
        # rows short by no more than the feasibility tolerance count as met (as the status below counts
        # them), else Clarabel's last digits, times the penalty, hold the gap open on a whole-space solve
        feas = feas_tol * max(1.0, float(np.abs(rhs).max(initial=0.0)))
        if short <= feas:
            shortfall = 0.0
        penalised = value - penalty * shortfall if max_t else value + penalty * shortfall
        # relative gap; tiny objectives (a min power at -30 dB targets) are judged against 1e-3 of the
        # budgets instead, since Clarabel's absolute tolerance (~1e-9 here) is all the accuracy there is
        gap = abs(bound - penalised) / max(abs(bound), gap_floor, 1e-300) if np.isfinite(bound) else np.inf
        gaps.append(gap)
        if excludes_every_design(sdp, bound, feas_tol):
            status, message = "infeasible", f"{INFEASIBILITY_PROOF} {bound:.3g} excludes every design"
            break
        # (a max t with a floor asks whether t reaches it: a utilisation step's alpha <= 1)
        reached = not max_t or sdp.level_floor is None or value >= sdp.level_floor
        if stop_when_feasible and short <= feas and viol <= feas and reached:
            status = "feasible"  # a design that meets every row is all a feasibility question needs
            break
        if gap <= gap_tol:
            if short > feas:  # optimal for the penalised problem with rows still short: no multipliers below it
                status, message = "infeasible", f"rows short by {short:.2e} at the penalised optimum"
            elif viol <= feas:
                status = "optimal"
            else:
                status, message = "solver_error", f"a row is violated by {viol:.2e} (Clarabel's accuracy)"
            break
        if inexact:  # neither a design nor a certificate: growing the subspaces from these multipliers is blind
            status, message = "solver_error", f"restricted problem {it}: Clarabel {res.status}"
            break
        if time_limit_s is not None and time.perf_counter() - t0 > time_limit_s:
            status, message = "time_limit", f"time limit of {time_limit_s} s after {it} restricted solves"
            break
        used, grown = list(bases), False
        for X, (u, y, z) in enumerate(zip(bases, res.blocks, zs)):
            lam, vec = np.linalg.eigh(z)
            scale = max(1.0, float(np.abs(lam).max()))
            new = vec[:, lam > 1e-9 * scale][:, ::-1][:, :add_per_block]
            if X in own and new.shape[1]:
                row, alpha, v = own[X]
                beams = [dual_beam(z - y_dual[row] * alpha * np.outer(v, v.conj()), v)]
                if ahead is not None and zs_ahead:  # the beam the extrapolated multipliers ask for
                    za = zs_ahead[X]
                    beams.append(dual_beam(za - y_ahead[row] * alpha * np.outer(v, v.conj()), v))
                new = np.concatenate([new, *beams], axis=1)
            grown |= new.shape[1] > 0
            bases[X] = next_basis(u, y, new, memory, max(1e-7, 10 * tol))
        if not grown:
            if not loose and res.status != "Solved" and retries:
                # an accurate solve that Clarabel ended short of full accuracy (AlmostSolved: its duals leave a
                # gap of their own, seen at 1e-5 on whole 7-dimensional blocks of a tracking frame whose cvxpy
                # form solved) is solved again on the same subspaces with other settings before giving up
                retry, bases = retries.pop(0), used
                continue
            if not loose:
                message = "no direction left to add while the gap is open"
                break
            tight = True  # the open gap may be the loose solve's own: solve the same subspaces accurately
        if it == max_iterations:
            message = f"gap {gap:.1e} after {it} restricted solves"
    return SubspaceResult(status, mats, value * unit, bound * unit, gap, viol, it, solver_s,
                          time.perf_counter() - t0,
                          [u.shape[1] for u in bases], message, bases, y_dual)


def unrefined_first(sdp: LinearSDP, data: SnapshotData, *, time_limit_s: float | None = None, retry: bool = True,
                    **kw) -> Iterator[tuple[bool, SubspaceResult]]:
    """``solve_subspace`` with ``UNREFINED``, then (when the caller asks for the next one, i.e. the first was
    not settled or not good enough for it, and ``retry``) once more with Clarabel's defaults; yields
    (refined, result). Problems with log levels are solved refined only: unrefined, the exponential cones'
    matrices kept tails of 1e-6 that cost a sum-rate design 2e-5 of its value."""
    t0 = time.perf_counter()
    for refined in (True,) if sdp.log_weights else (False, True) if retry else (False,):
        left = None if time_limit_s is None else time_limit_s - (time.perf_counter() - t0)
        yield refined, solve_subspace(sdp, data, time_limit_s=left, settings=None if refined else UNREFINED, **kw)

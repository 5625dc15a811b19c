"""The cooperative relaxation as plain linear data (formulation.linear), for the subspace path.

Blocks: one per (user, group of BSs) as in ``variables.blocks_for`` (a coherent block stacks its
cluster) and R0_b per BS. Rows, in the solver's units:

- budget of BS b: ``-sum_X tr(E_b X E_b^H) >= -P_b``; a block of one BS has ``E_b = I``, a stacked one a
  sum of rank-one antenna terms ``e_n e_n^H`` (the dual repair raises every budget row of a block's BSs,
  and those E_b add up to I on the block: solve.subspace.certify);
- SINR of user k (SPEC 4): ``(1 + 1/Gamma) q_k(own blocks) - q_k(every block) - q_k(R0) >= 1`` with the
  stacked, noise-normalised channels (Type-II users cancel the R0 terms);
- eavesdropper e's cap on user k's data, and its sensing-privacy cap (``eavesdropper_rows``);
- the split ``comm_fraction`` (data power <= rho P_b, sensing power <= (1 - rho) P_b) when fixed;
- ``min_sum_crlb``: with J_t = [[a, b], [b, c]] (affine in the covariances, scaled per target to O(1)),
  ``tr(J^-1) = 1 / (a - b^2 / c) + 1 / (c - b^2 / a)``: two levels per target, each a Schur complement
  ``[[a - f, b], [b, c]] >= 0`` written as the four rows of a second-order cone (the angle CRB's form,
  ``formulation.linear.angle_crb_rows``; balanced by a congruence), and the objective
  ``sum_t w_t (1 / f_1t + 1 / f_2t)`` (``'inverse_sum'``): the exact relaxation of the cvxpy form's
  ``[[X, I], [I, J]] >= 0``, minimise ``tr X``; ``weighted``: the targets' weights in w_t and a price on
  every block (the power term).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..association import Association
from ..formulation.data import SnapshotData
from ..formulation.angle_crb_data import angle_matrices
from ..formulation.linear import Block, LinearSDP, Row, rank_one_terms
from ..formulation.realsdp import hermitian_part
from ..metrics.position_crlb import angle_geometry
from ..terms.position_crlb import isotropic_fims, pair_geometry
from .compiled import CRLB_MARGIN
from .variables import blocks_for

Term = tuple[int, float, NDArray[np.complex128] | None]
CRLB_FORMS = ("position_crlb", "weighted_crlb", "max_crlb")  # objectives' linear forms with CRLB levels


@dataclass(frozen=True)
class CoopBlock(Block):
    """A block of the cooperative relaxation: ``bss`` the BSs it spans (``bs`` the first), ``offsets`` where
    each BS's antennas start in it."""

    bss: tuple[int, ...] = ()
    offsets: tuple[int, ...] = ()
    name: str = ""  # an auxiliary scalar's label (it spans no BS)

    @property
    def label(self) -> str:
        return self.name or super().label

    @property
    def spans(self) -> tuple[int, ...]:
        return self.bss

    @property
    def size(self) -> int:
        return self.dim


def coop_blocks(data: SnapshotData, assoc: Association, coherent: bool, sensing_streams: bool) -> list[CoopBlock]:
    antennas = tuple(b.tx_antennas for b in data.network.base_stations)
    out = [CoopBlock(blk.bss[0], blk.user, blk.size, blk.bss, blk.offsets)
           for blk in blocks_for(assoc.serving, antennas, coherent)]
    if sensing_streams:
        out += [CoopBlock(b, None, nt, (b,), (0,)) for b, nt in enumerate(antennas)]
    return out


def _embed(blk: CoopBlock, b: int, vec: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """``vec`` (BS b's antennas) placed at b's offset in the block's coordinates."""
    if len(blk.bss) == 1:
        return vec
    out = np.zeros(blk.dim, complex)
    o = blk.offsets[blk.bss.index(b)]
    out[o:o + len(vec)] = vec
    return out


def _part_identity(blk: CoopBlock, b: int, alpha: float, X: int) -> list[Term]:
    """alpha tr(E_b X E_b^H): the identity on a one-BS block, else one rank-one term per antenna of b."""
    if len(blk.bss) == 1:
        return [(X, alpha, None)]
    i = blk.bss.index(b)
    end = blk.offsets[i + 1] if i + 1 < len(blk.bss) else blk.dim
    eye = np.eye(blk.dim, dtype=complex)
    return [(X, alpha, eye[:, n]) for n in range(blk.offsets[i], end)]


def cooperative_linear_sdp(opts, data: SnapshotData, assoc: Association, *, utilisation: bool = False,
                          interference: dict | None = None) -> LinearSDP:
    """The relaxation of ``CooperativeISAC`` with a CRLB objective or ``min_power``, root-CRLB limits and
    eavesdropper caps included (no angle information: ``fast_path.why_not`` says).

    ``interference``: a step of the CRLB-interference iteration (cooperative.interference_mm): the levels
    I_bar_{t,j} [W] frozen in the Fisher information (sigma^2 + I_bar) and imposed as rows
    (``interference_rows``); an empty dict is the noise-limited first step.

    ``utilisation``: a max-min-rate bisection step instead (the cvxpy path's ``MinUtilisation``): minimise
    alpha with every budget and split share scaled by alpha, as ``max t`` with ``t = -alpha`` (the budget
    rows carry the level: ``-tr(E_b X) - P_b t >= 0``); ``t >= -1`` is a reachable level, and a certified
    bound below -1 proves the level out of reach (``level_floor``)."""
    base = common_rows(opts, data, assoc, utilisation)
    blocks, by_bs, sensing_of, rows, budget_rows = (base.blocks, base.by_bs, base.sensing_of, base.rows,
                                                    base.budget_rows)
    form = opts.objective_class.linear_form
    caps = opts.limits(data.network)
    limited = any(lim is not None for lim in caps)
    if utilisation:  # dimensionless; the decisions are at alpha = 1, so a gap relative to at least 1e-3 of it
        # (at -30 dB alpha is 1e-4, and Clarabel's absolute accuracy, 1e-9, held a relative gap of 1e-5 open)
        if not limited:
            return LinearSDP(blocks, rows, "max_t", budget_rows, level_floor=-1.0, gap_floor=1e-3,
                             in_power_units=False)
        # root-CRLB limits: the targets' levels after t (group 0), in the limits only (angle information's
        # bound rows scaled by alpha as the budgets are)
        weights, cones, ref, aux = crlb_rows(opts, data, assoc, blocks, by_bs, sensing_of, rows, first_group=1,
                                             angles=opts.angle_information, scaled=True)
        limits = crlb_limits(caps, weights, ref, first_group=1)
        return LinearSDP(blocks, rows, "max_t", budget_rows, level_floor=-1.0, gap_floor=1e-3, in_power_units=False,
                         cones=cones, limits=limits, limited_levels=len(weights), aux_rows=aux)
    if form not in CRLB_FORMS and not limited:  # the total power
        return LinearSDP(blocks, rows, "min_power", budget_rows)
    weights, cones, ref, aux = crlb_rows(opts, data, assoc, blocks, by_bs, sensing_of, rows, levels=interference,
                                         angles=opts.angle_information)
    if interference:
        rows.extend(interference_rows(opts, data, assoc, blocks, by_bs, sensing_of, interference))
    limits = crlb_limits(caps, weights, ref)
    if form == "max_crlb":  # the largest CRLB: every target's sum bounded by the level u, minimised
        limits += [crlb_limit(t, weights, None) for t in range(len(caps))]
        return LinearSDP(blocks, rows, "inverse_max", budget_rows, weights=(0.0,) * len(weights), level_floor=None,
                         gap_floor=1e-12, cones=cones, crb_ref=ref, limits=limits, aux_rows=aux)
    if form not in CRLB_FORMS:  # the total power with limits: no CRLB in the objective, a price of 1 per power unit
        return LinearSDP(blocks, rows, "inverse_sum", budget_rows, weights=(0.0,) * len(weights), level_floor=None,
                         cones=cones, power_price=1.0, limits=limits, aux_rows=aux)
    price = 0.0
    if form == "weighted_crlb":  # sum_t w_t CRLB_t + lambda P [m^2]: in the CRLBs' unit 1 / j_ref, P in p_ref
        per_target = np.repeat(np.asarray(opts._weights(data.network), float), 2)  # two levels per target
        weights = tuple(np.asarray(weights) * per_target)
        price = opts.power_weight_m2_per_w * data.p_ref / ref
    return LinearSDP(blocks, rows, "inverse_sum", budget_rows, weights=weights, level_floor=None, gap_floor=1e-12,
                     cones=cones, crb_ref=ref, power_price=price, limits=limits, aux_rows=aux)


@dataclass
class CommonRows:
    """The rows every cooperative form shares: budgets, the split, the SINR floors, the eavesdroppers' caps."""

    blocks: list[CoopBlock]
    by_bs: dict[int, list[int]]  # BS -> the blocks spanning it
    sensing_of: dict[int, int]  # BS -> its R0 block
    rows: list[Row]
    budget_rows: dict[int, int]


def common_rows(opts, data: SnapshotData, assoc: Association, utilisation: bool = False) -> CommonRows:
    """``utilisation``: every budget and split share scaled by the level (``cooperative_linear_sdp``)."""
    net = data.network
    blocks = coop_blocks(data, assoc, opts.joint_transmission == "coherent", opts.sensing_streams)
    by_bs: dict[int, list[int]] = {}
    for X, blk in enumerate(blocks):
        for b in blk.bss:
            by_bs.setdefault(b, []).append(X)
    sensing_of = {blk.bs: X for X, blk in enumerate(blocks) if blk.user is None}
    rows: list[Row] = []
    budget_rows = {}

    def cap(label: str, amount: float, terms: list[Term]) -> Row:  # -power >= -amount (times alpha: utilisation)
        return Row(label, 0.0, tau=-amount, terms=terms) if utilisation else Row(label, -amount, terms=terms)

    for b in range(net.n_bs):
        budget_rows[b] = len(rows)
        terms = [t for X in by_bs.get(b, []) for t in _part_identity(blocks[X], b, -1.0, X)]
        rows.append(cap(f"power:{b}", data.budget(b), terms))
    if opts.comm_fraction is not None:
        rho = opts.comm_fraction
        for b in range(net.n_bs):
            comm = [t for X in by_bs.get(b, []) if blocks[X].user is not None
                    for t in _part_identity(blocks[X], b, -1.0, X)]
            rows.append(cap(f"comm_power:{b}", rho * data.budget(b), comm))
            if b in sensing_of:
                rows.append(cap(f"sensing_power:{b}", (1 - rho) * data.budget(b), [(sensing_of[b], -1.0, None)]))
    for k, gamma in enumerate(data.sinr_targets):
        if gamma is None:
            continue
        terms: list[Term] = []
        for X, h, own in received_by(data, blocks, k):
            if own:  # (1 + 1/Gamma) the useful power, minus everything received
                terms.append((X, 1.0 + 1.0 / gamma, h))
            terms.append((X, -1.0, h))
        rows.append(Row(f"sinr:{k}", 1.0, terms=terms, elastic=True))
    rows.extend(eavesdropper_rows(data, blocks, by_bs, float(np.sqrt(data.p_ref / data.noise))))
    return CommonRows(blocks, by_bs, sensing_of, rows, budget_rows)


def received_by(data: SnapshotData, blocks: list[CoopBlock], k: int) -> list[tuple[int, NDArray[np.complex128], bool]]:
    """What user k receives (``terms.jt_sinr``): (block, its stacked channel toward k in noise units, whether the
    block is k's own) for every user block, and every R0 block unless k is a Type-II receiver (it cancels them)."""
    ch, scale = data.channels, np.sqrt(data.p_ref / data.noise)
    type2 = data.network.users[k].receiver == "type2"
    out = []
    for X, blk in enumerate(blocks):
        if blk.user is None:
            if not type2:
                out.append((X, ch.comm[blk.bs][k] * scale, False))
            continue
        out.append((X, np.concatenate([ch.comm[b][k] for b in blk.bss]) * scale, blk.user == k))
    return out


def eavesdropper_rows(data: SnapshotData, blocks: list[CoopBlock], by_bs: dict[int, list[int]],
                      scale: float) -> list[Row]:
    """The caps of ``terms.jt_eavesdropper`` divided by gamma_e, with g the block's stacked channel toward
    eavesdropper e in noise units (a coherent block's copies add in amplitude there as at the user):

        sum_{every block X} g_X^H X g_X - (1 + 1/gamma_e) sum_{X of user k} g_X^H X g_X >= -1   (elastic)

    for every served user k (the sensing blocks are interference there), and the sensing-privacy caps of
    ``terms.sensing_privacy``, ``-a^H R_b a >= -P_e / p_ref`` on everything BS b transmits (hard, as
    budgets: the zero design meets them)."""
    net, ch, rows = data.network, data.channels, []
    for e, eve in enumerate(net.eavesdroppers):
        inverse = 10 ** (-eve.max_sinr_db / 10)
        g = [np.concatenate([ch.eve[b][e] for b in blk.bss]) * scale for blk in blocks]
        heard = [(X, 1.0, g[X]) for X in range(len(blocks))]
        for k in range(net.n_users):
            own = [(X, -(1.0 + inverse), g[X]) for X, blk in enumerate(blocks) if blk.user == k]
            if own:
                rows.append(Row(f"eavesdropper:{e}:{k}", -1.0, terms=heard + own, elastic=True))
    for e in net.private_eavesdroppers:
        cap = net.eavesdroppers[e].max_beampattern_w / data.p_ref
        for b, members in sorted(by_bs.items()):
            a = data.reduced(b, ch.eve_steering[b][e])
            rows.append(Row(f"privacy:{e}:{b}", -cap, terms=[(X, -1.0, _embed(blocks[X], b, a)) for X in members]))
    return rows


def crlb_limits(caps: list[float | None], weights: tuple[float, ...], ref: float, first_group: int = 0):
    """Root-CRLB limits: ``j_ref CRLB_t = w_t (1 / f_1t + 1 / f_2t) <= j_ref eps_t^2`` (less the cvxpy path's
    margin) per target with a limit eps_t."""
    return [crlb_limit(t, weights, lim**2 * (1 - CRLB_MARGIN) / ref, first_group)
            for t, lim in enumerate(caps) if lim is not None]


def crlb_limit(t: int, weights: tuple[float, ...], cap: float | None, first_group: int = 0):
    """Target t's two levels, their weights and the cap (None: the objective's own level u)."""
    return (first_group + 2 * t, first_group + 2 * t + 1), (weights[2 * t], weights[2 * t + 1]), cap


def crlb_rows(opts, data: SnapshotData, assoc: Association, blocks, by_bs, sensing_of, rows: list[Row],
              first_group: int = 0, levels: dict | None = None, angles: bool = False, scaled: bool = False):
    """Append every target's two Schur-complement cones to ``rows``; (weights, cone groups, CRLB unit [m^2]).
    The levels are numbered from ``first_group`` (after the objective's own, in a max-min-rate step).
    ``levels``: interference I_bar_{t,j} [W] at each receiver j of target t's cluster, its pairs' SNRs then
    SINRs, sigma^2 / (sigma^2 + I_bar_j) times (``terms.position_crlb`` does the same). ``angles``: every
    monostatic receiver's azimuth information too (``angle_rows``: an auxiliary block per receiver appended
    to ``blocks``; ``scaled``: their bound rows scaled by the utilisation level as the budgets); the fourth
    value maps each auxiliary block to its bound row.

    J_t (solver units, divided by j_t = 1 / CRLB_t of the isotropic full-power design, so O(1)) is
    ``sum_i mono_i a_i^H R_i a_i + cross_i a_i^H R0_i a_i``; CRLB_t = tr(J_t^-1) / j_t."""
    net, ch = data.network, data.channels
    model = opts.crlb_model
    multi = model.pairs != "fusion"
    has_cross = model.waveform == "orthogonal" and multi and opts.sensing_streams
    cross_ok = model.waveform == "unified" or not multi or opts.sensing_streams
    fims = isotropic_fims(net, ch, assoc.sensing, model, cross_ok)  # the cvxpy form's scales and checks
    scales = np.array([1.0 / np.trace(np.linalg.inv(f)) for f in fims])
    j_ref = float(np.median(scales))
    weights, cones, aux = [], [], {}
    for t, cluster in enumerate(assoc.sensing):
        weight = None
        if levels:
            weight = np.ones(net.n_bs)
            for j in cluster:
                level = levels.get((t, j), np.inf)
                weight[j] = 1.0 if not np.isfinite(level) else ch.noise_w / (ch.noise_w + level)
        mono, cross = pair_geometry(net, ch, t, cluster, model, weight)
        # per transmitter i and its blocks: (X, 2 x 2 coefficient of a^H X a, a embedded)
        parts = []
        for i in cluster:
            a = ch.tx_steering[i][t]
            m = mono[i] * data.p_ref / scales[t]
            parts += [(X, m, _embed(blocks[X], i, a)) for X in by_bs.get(i, [])]
            if has_cross and len(cluster) > 1 and i in sensing_of:
                parts.append((sensing_of[i], cross[i] * data.p_ref / scales[t], a))
        if angles:
            geo = angle_geometry(net, t)
            for i in cluster:
                X, coef = angle_rows(data, blocks, by_bs, rows, cones, aux, t, i,
                                     1.0 if weight is None else float(weight[i]), scaled)
                parts.append((X, geo[i] * coef / scales[t], None))
        iso = fims[t] / scales[t]
        for p, q in ((0, 1), (1, 0)):
            k2 = float(iso[p, p] / max(iso[q, q], 1e-300))  # balances the cone's two diagonal entries
            group = first_group + len(weights)
            cones.append(list(range(len(rows), len(rows) + 4)))
            coef = [lambda m: m[p, p] + k2 * m[q, q], lambda m: 2 * np.sqrt(k2) * m[p, q], None,
                    lambda m: m[p, p] - k2 * m[q, q]]
            for name, c, tau in zip(("sum", "re", "im", "diff"), coef, (-1.0, 0.0, 0.0, -1.0)):
                terms = [] if c is None else [(X, float(c(m)), v) for X, m, v in parts if c(m) != 0.0]
                rows.append(Row(f"crlb:{t}:{p}:{name}", 0.0, tau=tau, terms=terms, group=group))
            weights.append(j_ref / scales[t])
    return tuple(weights), cones, 1.0 / j_ref, aux


def angle_rows(data: SnapshotData, blocks: list, by_bs, rows: list[Row], cones: list, aux: dict, t: int, i: int,
               weight: float, scaled: bool = False) -> tuple[int, float]:
    """Receiver i's azimuth information about target t (``terms.position_crlb``'s angle term): an auxiliary
    scalar tau <= s F(R_i), F = T_dd - |T_da|^2 / T_aa the Schur complement of SPEC 5.3 (s = 1 / tr M_dd), as
    the four rows of a second-order cone on every block of BS i (balanced like ``angle_crb_rows``), and its
    bound row ``tau <= 2 s lambda_max(M_dd) P_i`` (``s T_dd`` never exceeds half that; ``scaled``: times alpha,
    the budgets' scale in a max-min-rate step, ``-tau - cap t >= 0`` with t = -alpha). Returns (tau's block,
    the coefficient c with J_t += c tau e_perp e_perp^T / d^2, J_t in the solver's units before its
    per-target scale): c = 2 L G_ii / (sigma^2 + I) p_ref / s, J_phi = 2 L G / (sigma^2 + I) F."""
    net, ch = data.network, data.channels
    m_dd, m_aa, m_da = angle_matrices(ch, i, t)
    s = 1.0 / max(float(np.trace(m_dd).real), 1e-300)
    k2 = float(np.trace(m_dd).real / max(np.trace(m_aa).real, 1e-300))
    m1, m2 = hermitian_part(m_da * np.sqrt(k2))
    X = len(blocks)
    blocks.append(CoopBlock(i, None, 1, (), (), name=f"angle_t{t}_bs{i}"))
    cones.append(list(range(len(rows), len(rows) + 4)))
    for name, m, on_tau in (("sum", m_dd + k2 * m_aa, -1.0), ("re", 2 * m1, 0.0), ("im", 2 * m2, 0.0),
                            ("diff", m_dd - k2 * m_aa, -1.0)):
        terms: list[Term] = [(Y, s * lam, _embed(blocks[Y], i, v)) for lam, v in rank_one_terms(m)
                             for Y in by_bs.get(i, [])]
        if on_tau:
            terms.append((X, on_tau, None))
        rows.append(Row(f"angle:{t}:{i}:{name}", 0.0, terms=terms))
    aux[X] = len(rows)
    cap = 2.0 * s * float(np.linalg.eigvalsh(m_dd)[-1]) * data.budget(i)
    rows.append(Row(f"angle_bound:{t}:{i}", 0.0, tau=-cap, terms=[(X, -1.0, None)]) if scaled else
                Row(f"angle_bound:{t}:{i}", -cap, terms=[(X, -1.0, None)]))
    kappa = 2.0 * net.system.samples * ch.radar_gain[i, i, t] / ch.noise_w * weight
    return X, kappa * data.p_ref / s


def interference_rows(opts, data: SnapshotData, assoc: Association, blocks, by_bs, sensing_of,
                      levels: dict) -> list[Row]:
    """``terms.position_crlb``'s interference constraints, hard rows as budgets (the zero design meets them):
    at receiver j of target t, what the other BSs leak through the matched filter u = a_r / sqrt(Nr) stays
    at most the frozen level, ``sum_{m != j} v_m^H C_m v_m <= I_bar`` with v_m = G_{j<-m}^H u and C_m
    everything BS m sends, or its data part with orthogonal waveforms (the filter rejects R0_m); divided by
    sigma^2 + I_bar as there."""
    ch = data.channels
    orthogonal = opts.crlb_model.waveform == "orthogonal"
    rows = []
    for t, cluster in enumerate(assoc.sensing):
        for j in cluster:
            level = levels.get((t, j), np.inf)
            if not np.isfinite(level):
                continue
            norm = ch.noise_w + level
            u = ch.rx_steering[j][t] / np.sqrt(len(ch.rx_steering[j][t]))
            terms: list[Term] = []
            for m, members in sorted(by_bs.items()):
                g = ch.crosslink[j][m]
                if m == j or g is None:
                    continue
                v = g.conj().T @ u
                terms += [(X, -data.p_ref / norm, _embed(blocks[X], m, v)) for X in members
                          if not (orthogonal and X == sensing_of.get(m))]
            rows.append(Row(f"crlb_interference:{t}:{j}", -level / norm, terms=terms))
    return rows

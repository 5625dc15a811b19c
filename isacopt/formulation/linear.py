"""The SDP relaxation as plain linear data: PSD blocks and scalar rows with low-rank coefficients.

Every constraint of min-power and max-min-beampattern beamforming (SINR, power
budget, per-antenna power, beampattern floor, the epigraph ``g_t >= t``, the
interference-aware sensing-SINR floor of SPEC 5.2) is a real linear functional
of the covariance blocks,

    row i:   sum_X Re tr(M_iX X) + tau_i t >= c_i,   M_iX = alpha v v^H  or  alpha I,

so a row is a list of (block, alpha, v) with ``v = None`` for the identity. This
form is what the subspace method (solve.subspace) needs: it compresses every
coefficient onto a small basis of each block, and it prices a block with the
dual matrix ``Z_X = C_X + sum_i y_i M_iX`` in the full space. Units are the
solver's (formulation.data): powers in p_ref, received powers in noise units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .angle_crb_data import AngleCrbData, angle_crb_data
from .data import SnapshotData
from .realsdp import hermitian_part


@dataclass(frozen=True)
class Block:
    """One PSD variable: W_k of a served user (``user = k``) or R0_b (``user = None``), in BS b's reduced space."""

    bs: int
    user: int | None
    dim: int

    @property
    def label(self) -> str:
        return f"W_user{self.user}" if self.user is not None else f"R0_bs{self.bs}"

    @property
    def spans(self) -> tuple[int, ...]:
        """The BSs whose antennas the block spans: its own (a cooperative block may span several)."""
        return (self.bs,)


@dataclass
class Row:
    """``sum_X Re tr(M_iX X) + tau t >= rhs``; ``terms``: (block index, alpha, vector or None for I)."""

    label: str
    rhs: float
    tau: float = 0.0
    terms: list[tuple[int, float, NDArray[np.complex128] | None]] = field(default_factory=list)
    elastic: bool = False  # may be relaxed with a penalised slack while the subspaces are still small
    group: int = 0  # which level t_g its tau multiplies (a weighted objective has two)


@dataclass
class LinearSDP:
    """maximise ``sum_g weights[g] t_g`` (``objective = 'max_t'``; one level t with weight 1 for the max-min
    beampattern), minimise total power (``'min_power'``), minimise ``sum_g weights[g] / t_g``
    (``'inverse_sum'``: the sum of angle CRBs, one level per target) or the largest of the ``limits`` without a
    cap (``'inverse_max'``: the largest position CRLB) over PSD blocks.

    ``cones``: groups of rows whose left-minus-right sides lie together in a second-order cone (the first
    at least the norm of the others) instead of each being nonnegative: the angle CRB's 2 x 2 Schur
    complement, rows ``(T_dd + T_aa, 2 Re T_da, 2 Im T_da, T_dd - T_aa)`` with the level on the first and
    last (angle_crb_data.fisher_levels reads a level off them). Their multipliers lie in the same cone."""

    blocks: list[Block]
    rows: list[Row]
    objective: str
    budget_rows: dict[int, int]  # BS -> index of its power-budget row (the dual repair uses it)
    weights: tuple[float, ...] = (1.0,)
    level_floor: float | None = 0.0  # every feasible design's objective is at least this (None: no such floor)
    gap_floor: float | None = None  # a gap is relative to at least this (None: 1e-3 of the total budget)
    in_power_units: bool = True  # the objective is a power or gain in p_ref (False: dimensionless)
    cones: list[list[int]] = field(default_factory=list)
    crb_ref: float | None = None  # angle-CRB objectives: CRB_t = crb_ref * w_t / F_t (angle_crb_data)
    power_price: float = 0.0  # 'inverse_sum' plus this times the total power (a weighted CRLB objective)
    # limits on sums of inverse levels, ``sum_{g in L} w_g / t_g <= cap`` ('inverse_sum' and 'inverse_max'):
    # (levels, their weights, cap); a cap of None is the objective's own level u ('inverse_max' minimises the
    # largest such sum: the largest position CRLB)
    limits: list[tuple[tuple[int, ...], tuple[float, ...], float | None]] = field(default_factory=list)
    # 'max_t' with limits: this many further levels, numbered after the weighted ones, that enter only through
    # the limits (as inverses, weight 0 in the objective: a max-min-rate step under root-CRLB limits)
    limited_levels: int = 0
    # auxiliary nonnegative scalars as 1 x 1 blocks (a position CRLB's angle information tau_{t,i}): no power
    # and no cost, each bounded by a row ``-tau >= -tau_max`` (block index -> that row) which the dual repair
    # raises as the budget rows are raised for the BSs' blocks
    aux_rows: dict[int, int] = field(default_factory=dict)
    # 'max_t' plus ``sum_j log_weights[j] log(1 + log_scales[j] s_j)``: concave levels s_j numbered after every
    # other level (a sum-rate surrogate's received powers, in units of the scale: the rows and their multipliers
    # stay O(1)); solve.log_levels: in the dual each is an exponential cone (solve.restricted)
    log_weights: tuple[float, ...] = ()
    log_scales: tuple[float, ...] = ()  # empty: every scale 1
    # rows whose left side also holds log levels' values: row -> the levels' positions j in ``log_weights``
    # (a backhaul cap's ``- log(1 + I_k)``, written ``+ z_j`` on the capped side): their multipliers add to
    # the levels' weights in the dual
    log_rows: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def block_cost_of(self, X: int) -> float:
        """The objective's c on block X (C_X = -c I): ``block_cost``, or 0 on an auxiliary block."""
        return 0.0 if X in self.aux_rows else self.block_cost

    def power_of(self, mats: list) -> float:
        """Total power of the blocks' matrices (solver units): every block's trace but the auxiliary ones."""
        return float(sum(np.trace(m).real for X, m in enumerate(mats) if X not in self.aux_rows))

    def blocks_of(self, b: int) -> list[int]:
        return [i for i, blk in enumerate(self.blocks) if blk.bs == b]

    @property
    def budget_total(self) -> float:
        """The sum of the BSs' budgets (solver units): no design uses more."""
        return float(sum(-self.rows[i].rhs for i in self.budget_rows.values()))

    @property
    def minimises_power(self) -> bool:
        """The objective is the total power (its dual matrices carry C_X = -I)."""
        return self.objective not in ("max_t", "inverse_sum", "inverse_max")

    @property
    def inverse(self) -> bool:
        """The levels enter as inverses (a sum of them minimised, or bounded by limits)."""
        return self.objective in ("inverse_sum", "inverse_max")

    def inverse_groups(self) -> list[tuple[int, float]]:
        """(level, its weight in the objective) for every level that enters as an inverse: all of them for
        'inverse_sum' and 'inverse_max', the ``limited_levels`` (weight 0) for 'max_t'."""
        if self.inverse:
            return list(enumerate(self.weights))
        return [(len(self.weights) + j, 0.0) for j in range(self.limited_levels)]

    @property
    def n_levels(self) -> int:
        return len(self.weights) + (self.limited_levels + len(self.log_weights) if self.objective == "max_t" else 0)

    def log_groups(self) -> list[tuple[int, float, float]]:
        """(level, its weight, its scale) for every level that enters through ``w log(1 + scale s)``."""
        first = len(self.weights) + self.limited_levels
        scales = self.log_scales or (1.0,) * len(self.log_weights)
        return [(first + j, w, sc) for j, (w, sc) in enumerate(zip(self.log_weights, scales))]

    @property
    def block_cost(self) -> float:
        """c with the objective's coefficient C_X = -c I on every block: 1 for the total power, the power price
        of a priced 'inverse_sum', else 0."""
        return 1.0 if self.minimises_power else self.power_price

    def bound_si(self, bound: float, p_ref: float) -> float:
        """A certified bound of this problem in the objective's SI unit."""
        if self.crb_ref is not None:  # the sum of CRBs is crb_ref times the sum; the largest, crb_ref / level
            if self.inverse:
                return self.crb_ref * bound
            return self.crb_ref / bound if bound > 0 else float("inf")
        return bound * (p_ref if self.in_power_units else 1.0)

    def cone_rows(self) -> NDArray[np.bool_]:
        """True for the rows that belong to a cone group (the others are each nonnegative)."""
        mask = np.zeros(len(self.rows), bool)
        for group in self.cones:
            mask[group] = True
        return mask


def linear_sdp(data: SnapshotData, st, *, form: str, sensing_streams: bool, per_antenna_power: bool,
               beampattern_floor: float | None, sensing_sinr: float | None = None, weight: float = 0.5,
               crb: str = "sum") -> LinearSDP:
    """The relaxation of ``CoordinatedBeamforming`` in linear ``form``: 'min_power' (the total power),
    'max_t' (the worst target's beampattern gain, a common level t) or 'two_levels' (``weight`` times the worst
    normalised gain plus ``1 - weight`` times the worst normalised SINR margin, two levels); an objective's
    ``linear_form``. ``sensing_sinr``: every sensed target's monostatic sensing SINR at least this (linear)
    level."""
    blocks: list[Block] = []
    index: dict[tuple[int, int | None], int] = {}
    for k, b in enumerate(st.serving):
        if b >= 0 and st.dims[b] > 0:
            index[(b, k)] = len(blocks)
            blocks.append(Block(b, k, st.dims[b]))
    if sensing_streams:
        for b, d in enumerate(st.dims):
            if d > 0:
                index[(b, None)] = len(blocks)
                blocks.append(Block(b, None, d))
    by_bs: dict[int, list[int]] = {}
    for i, blk in enumerate(blocks):
        by_bs.setdefault(blk.bs, []).append(i)

    rows: list[Row] = []
    budget_rows = {}
    for b, members in sorted(by_bs.items()):
        budget_rows[b] = len(rows)
        rows.append(Row(f"power:{b}", -data.budget(b), terms=[(i, -1.0, None) for i in members]))
    if per_antenna_power:
        for b, members in sorted(by_bs.items()):
            basis = data.nulls.bases[b]
            cap = data.budget(b) / data.network.base_stations[b].tx_antennas
            for n in range(basis.shape[0]):
                e = basis.conj()[n]  # V^H e_n
                rows.append(Row(f"antenna:{b}:{n}", -cap, terms=[(i, -1.0, e) for i in members]))
    weighted = form == "two_levels"
    for k in st.sinr_users:
        b = st.serving[k]
        gamma = data.sinr_targets[k]
        own = data.user_channel(b, k)
        terms = [(index[(b, k)], 1.0 + 1.0 / gamma, own)] if (b, k) in index else []
        for j in st.interferers[k]:
            h = data.user_channel(j, k)
            for i in by_bs.get(j, []):
                if blocks[i].user is None and st.type2[k]:
                    continue  # a Type-II receiver cancels the known sensing signal
                terms.append((i, -1.0, h))
        if weighted:  # t_c <= margin_k / ceiling_k: the margin is the row's left side minus 1
            rows.append(Row(f"sinr:{k}", 1.0, tau=-margin_ceiling(data, k), terms=terms, group=1))
        else:
            rows.append(Row(f"sinr:{k}", 1.0, terms=terms, elastic=True))
    for t, b in enumerate(st.sensing):
        a = data.reduced(b, data.channels.tx_steering[b][t])
        terms = [(i, 1.0, a) for i in by_bs.get(b, [])]
        if form == "max_t":
            rows.append(Row(f"gain:{t}", 0.0, tau=-1.0, terms=terms))
        elif weighted:  # t_s <= gain_t / (Nt budget): the gain normalised by the BS's isotropic best
            scale = data.network.base_stations[b].tx_antennas * data.budget(b)
            rows.append(Row(f"gain:{t}", 0.0, tau=-scale, terms=terms, group=0))
        if beampattern_floor is not None:
            rows.append(Row(f"beampattern:{t}", beampattern_floor / data.p_ref, terms=terms, elastic=True))
    if sensing_sinr is not None:
        rows.extend(sensing_sinr_rows(data, st, by_bs, sensing_sinr))
    rows.extend(eavesdropper_rows(data, st, by_bs, index))
    if form == "angle_crb":
        crb_data = angle_crb_data(data, st.sensing)
        cones = []
        for t, b in enumerate(st.sensing):
            # the largest CRB: one level u with tau_t = w_t u; their sum: a level t_t per target
            level, group = (crb_data.weights[t], 0) if crb == "max" else (1.0, t)
            cones.append(list(range(len(rows), len(rows) + 4)))
            rows.extend(angle_crb_rows(crb_data, t, by_bs.get(b, []), level, group))
        if crb == "max":  # u is not a power: its gap is relative to u itself (a near-blind target's u is tiny)
            return LinearSDP(blocks, rows, "max_t", budget_rows, gap_floor=1e-12, cones=cones, crb_ref=crb_data.ref)
        return LinearSDP(blocks, rows, "inverse_sum", budget_rows, weights=tuple(crb_data.weights),
                         level_floor=None, gap_floor=1e-12, cones=cones, crb_ref=crb_data.ref)
    if weighted:  # the margins may be negative: no floor under the objective; it is dimensionless
        return LinearSDP(blocks, rows, "max_t", budget_rows, weights=(weight, 1.0 - weight), level_floor=None,
                         gap_floor=1e-3, in_power_units=False)
    return LinearSDP(blocks, rows, form, budget_rows)


def margin_ceiling(data: SnapshotData, k: int) -> float:
    """Largest SINR margin user k could have (its BS's whole budget on it, no interference), noise units:
    the weighted objective's normalisation of its margin."""
    h = data.user_channel(data.serving[k], k)
    return max(data.budget(data.serving[k]) * float(np.vdot(h, h).real) / data.sinr_targets[k], 1e-12)


def eavesdropper_rows(data: SnapshotData, st, by_bs: dict[int, list[int]], index: dict) -> list[Row]:
    """The caps of ``terms.eavesdropper`` divided by gamma_e, with g~ the reduced, noise-normalised channels:

        sum_j g~_{j,e}^H R_j g~_{j,e} - (1 + 1/gamma_e) g~_{b,e}^H W_k g~_{b,e} >= -1   (elastic, as SINR rows)

    and the sensing-privacy caps of ``terms.sensing_privacy``, -a^H R_b a >= -P_e / p_ref (hard, as budgets:
    the zero design meets them)."""
    net, rows = data.network, []
    for e, eve in enumerate(net.eavesdroppers):
        inverse = 10 ** (-eve.max_sinr_db / 10)
        heard = [(i, 1.0, data.eve_channel(j, e)) for j, members in by_bs.items() for i in members]
        for k, b in enumerate(st.serving):
            if (b, k) in index:
                own = (index[(b, k)], -(1.0 + inverse), data.eve_channel(b, e))
                rows.append(Row(f"eavesdropper:{e}:{k}", -1.0, terms=heard + [own], elastic=True))
    for e in st.private:
        cap = net.eavesdroppers[e].max_beampattern_w / data.p_ref
        for b, members in sorted(by_bs.items()):
            a = data.reduced(b, data.channels.eve_steering[b][e])
            rows.append(Row(f"privacy:{e}:{b}", -cap, terms=[(i, -1.0, a) for i in members]))
    return rows


SENSING_ROW_CAP = 1e3  # largest signal coefficient of a sensing-SINR row (see sensing_sinr_rows)


def sensing_sinr_rows(data: SnapshotData, st, by_bs: dict[int, list[int]], level: float) -> list[Row]:
    """SPEC 5.2 at a common linear ``level``, ``S a^H R_b a >= level (s sum_{j != b} g_j^H R_j g_j + 1)`` with
    ``S = s L Nr G``, ``g_j = V_j^H G_{b<-j}^H u`` and s = p_ref / sigma^2, divided by ``level * m``:

        (S / (level m)) a^H R_b a - (s / m) sum_{j != b} g_j^H R_j g_j >= 1 / m,   m = max(1, S / (CAP level)).

    Divided by the level alone (m = 1, the SINR rows' scale) the signal coefficient reaches 1e10 at the
    bisection's lowest levels and Clarabel fails (seen at Nt = 16); m caps it at CAP. A larger m is no
    better: dividing a row by m multiplies its multiplier by m, and an elastic row's multiplier is capped
    by the penalty (1e4), so rows that bind near the optimum keep m = 1 wherever S / level < CAP.
    The scales are folded into the vectors. A cross-link the design nulls (sensing cluster) has g_j = 0."""
    net, ch = data.network, data.channels
    scale = data.p_ref / data.noise
    rows = []
    for t, b in enumerate(st.sensing):
        nr = net.base_stations[b].rx_antennas
        signal = net.system.samples * nr * ch.radar_gain[b, b, t] * scale
        m = max(1.0, signal / (SENSING_ROW_CAP * level))
        a = data.kept(("steering", b, t), lambda: data.reduced(b, ch.tx_steering[b][t])) \
            * np.sqrt(signal / (level * m))
        terms: list[tuple[int, float, NDArray[np.complex128] | None]] = [(i, 1.0, a) for i in by_bs.get(b, [])]
        for j, members in by_bs.items():
            if j == b:
                continue
            # the level only scales the row: its vectors are made once per snapshot (kept)
            g = data.kept(("leak", b, t, j), lambda: data.reduced(j, ch.crosslink[b][j].conj().T
                                                                   @ (ch.rx_steering[b][t] / np.sqrt(nr)))) \
                * np.sqrt(scale / m)
            if np.vdot(g, g).real > 0:
                terms.extend((i, -1.0, g) for i in members)
        rows.append(Row(f"sensing_sinr:{t}", 1.0 / m, terms=terms, elastic=True))
    return rows


def angle_crb_rows(crb: AngleCrbData, t: int, members: list[int], level: float, group: int) -> list[Row]:
    """Target t's Schur complement ``[[T_dd - level t_g, T_da], [T_da^*, T_aa]] >= 0`` (balanced) as the four rows of a
    second-order cone, ``(T_dd + T_aa - level t_g, 2 Re T_da, 2 Im T_da, T_dd - T_aa - level t_g)``, on every
    block of the target's BS (R is their sum); each Hermitian coefficient split into rank-one terms."""
    # balanced by the congruence diag(1, k): [[T_dd - tau, k T_da], [k T_da^*, k^2 T_aa]], k^2 = tr M_dd / tr M_aa,
    # has the same Schur complement; unbalanced (T_aa ~ 1e-2 T_dd at 16 antennas) the cone's multipliers
    # were 1e2 times their useful part y_sum + y_diff, and Clarabel stopped at reduced accuracy
    k2 = float(np.trace(crb.m_dd[t]).real / max(np.trace(crb.m_aa[t]).real, 1e-300))
    m_aa = crb.m_aa[t] * k2
    m1, m2 = hermitian_part(crb.m_da[t] * np.sqrt(k2))
    parts = [(crb.m_dd[t] + m_aa, -level), (2 * m1, 0.0), (2 * m2, 0.0), (crb.m_dd[t] - m_aa, -level)]
    names = ("sum", "re", "im", "diff")
    return [Row(f"angle_crb:{t}:{name}", 0.0, tau=tau, group=group,
                terms=[(i, alpha, v) for alpha, v in rank_one_terms(m) for i in members])
            for name, (m, tau) in zip(names, parts)]


def rank_one_terms(m: NDArray[np.complex128], rtol: float = 1e-12) -> list[tuple[float, NDArray[np.complex128]]]:
    """A Hermitian M as sum_j lambda_j v_j v_j^H (eigenpairs above ``rtol`` of the largest)."""
    lam, vec = np.linalg.eigh((m + m.conj().T) / 2)
    keep = np.abs(lam) > rtol * max(float(np.abs(lam).max(initial=0.0)), 1e-300)
    return [(float(a), vec[:, j]) for j, a in zip(np.flatnonzero(keep), lam[keep])]

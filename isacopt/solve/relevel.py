"""A level search's problem at another level, without building it again (a refutation check's problem).

Only the rows of the level change with it, and only by scalars: a probed target's sensing row (linear.
sensing_sinr_rows) has its signal term scaled by ``1 / (l m)``, its interference terms by ``1 / m`` and its
right side ``1 / m`` (m = max(1, S / (CAP l))); a served user's SINR row has its own signal term
``1 + 1 / gamma`` (the interference and the right side 1 stay). A margin problem's rows also carry ``-t / m``
(formulation.level_margin). So a check at another level rescales the coefficients of the block terms grouped once
(restricted.BlockTerms) instead of making every row and group anew: on Fig. 3 snapshots the checks
took a fifth of a sensing search's time that way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ..formulation.data import SnapshotData
from ..formulation.level_margin import SENSING_ROWS, USER_ROWS
from ..formulation.linear import SENSING_ROW_CAP, LinearSDP, Row
from .restricted import BlockTerms


@dataclass(frozen=True)
class LevelFamily:
    """The problem of one level (``sdp``, its grouped ``terms``) and what rescales it to another."""

    sdp: LinearSDP
    terms: list[BlockTerms]
    level: float                    # the level sdp was made at (linear)
    rows: NDArray[np.int64]         # indices of the level's rows
    signal: NDArray[np.float64]     # per level row: S of a sensing row (noise units), or 0 for a user's row
    margin: bool                    # the rows carry the margin t (level_margin)

    @classmethod
    def of(cls, sdp: LinearSDP, data: SnapshotData, st, level: float, margin: bool,
           level_rows: str) -> "LevelFamily":
        """``level_rows``: the prefix of the level's rows, ``SENSING_ROWS`` or ``USER_ROWS`` (a users' search
        may have sensing floors too: rows of the problem, not of the level)."""
        if level_rows not in (SENSING_ROWS, USER_ROWS):
            raise ValueError(f"level_rows {level_rows!r}: {SENSING_ROWS!r} or {USER_ROWS!r}")
        sensing = level_rows == SENSING_ROWS
        rows = np.array([i for i, r in enumerate(sdp.rows) if r.label.startswith(level_rows)], int)
        signal = np.zeros(rows.size)
        if sensing:  # S = L Nr G p_ref / sigma^2 of each probed target (the scale sensing_sinr_rows folds in)
            net, ch = data.network, data.channels
            for j, i in enumerate(rows):
                t = int(sdp.rows[i].label.split(":")[1])
                b = st.sensing[t]
                signal[j] = (net.system.samples * net.base_stations[b].rx_antennas * ch.radar_gain[b, b, t]
                             * data.p_ref / data.noise)
        return cls(sdp, BlockTerms.group(sdp), level, rows, signal, margin)

    def _scales(self, level: float) -> tuple[NDArray, NDArray, NDArray]:
        """Per level row at ``level``: (signal multiplier, interference multiplier, m)."""
        if self.signal.any():
            m_old = np.maximum(1.0, self.signal / (SENSING_ROW_CAP * self.level))
            m_new = np.maximum(1.0, self.signal / (SENSING_ROW_CAP * level))
            return (self.level * m_old) / (level * m_new), m_old / m_new, m_new
        ones = np.ones(self.rows.size)
        return ones * (1.0 + 1.0 / level) / (1.0 + 1.0 / self.level), ones, ones

    def at(self, level: float) -> tuple[LinearSDP, list[BlockTerms]]:
        """The problem at ``level``: its rows' right sides and margins, and the rescaled block terms. The rows
        returned carry no terms: the coefficients are the terms' (as subspace.certify reads them)."""
        up, down, m = self._scales(level)
        signal_of = np.ones(len(self.sdp.rows))
        interference_of = np.ones(len(self.sdp.rows))
        signal_of[self.rows], interference_of[self.rows] = up, down
        terms = [replace(t, vec_alpha=t.vec_alpha * np.where(t.vec_alpha > 0, signal_of[t.vec_rows],
                                                            interference_of[t.vec_rows])) for t in self.terms]
        rows: list[Row] = [replace(r, terms=[]) for r in self.sdp.rows]
        for j, i in enumerate(self.rows):
            rhs = 1.0 / m[j]
            rows[i] = replace(rows[i], rhs=rhs, tau=-rhs if self.margin else 0.0)
        return replace(self.sdp, rows=rows), terms

"""Variables of the cooperative SDP: one PSD block per (user, serving set) and per-BS covariances.

Coherent joint transmission gives user k one block over its whole cluster C_k
(the stacked beamformer); non-coherent gives one block per BS of C_k. Each
BS's covariance R_b (real form) is the sum of its diagonal sub-blocks and its
sensing covariance.
"""

from __future__ import annotations

from dataclasses import dataclass

import cvxpy as cp
import numpy as np


@dataclass(frozen=True)
class Block:
    user: int
    bss: tuple[int, ...]
    offsets: tuple[int, ...]
    size: int


def blocks_for(clusters: tuple[tuple[int, ...], ...], antennas: tuple[int, ...], coherent: bool) -> list[Block]:
    out = []
    for k, cluster in enumerate(clusters):
        groups = [cluster] if coherent else [(b,) for b in cluster]
        for g in groups:
            offs, size = [], 0
            for b in g:
                offs.append(size)
                size += antennas[b]
            out.append(Block(k, tuple(g), tuple(offs), size))
    return out


def selector(block: Block, b: int, nt: int) -> np.ndarray:
    """E with E S E^T = real form of the (b, b) sub-block of the block's Hermitian matrix."""
    i = block.bss.index(b)
    e = np.zeros((2 * nt, 2 * block.size))
    o = block.offsets[i]
    e[:nt, o:o + nt] = np.eye(nt)
    e[nt:, block.size + o:block.size + o + nt] = np.eye(nt)
    return e


class CoMPVariables:
    """The same interface as terms.base.Variables (dims, total, power, sensing, psd)."""

    def __init__(self, antennas: tuple[int, ...], blocks: list[Block], sensing_streams: bool):
        self.dims = antennas
        self.blocks = blocks
        self.S = [cp.Variable((2 * blk.size,) * 2, PSD=True, name=f"S_block{i}") for i, blk in enumerate(blocks)]
        self.sensing = [cp.Variable((2 * nt,) * 2, PSD=True, name=f"S0_bs{b}") if sensing_streams else None
                        for b, nt in enumerate(antennas)]
        # R_b as an expression, not a variable tied by a matrix equality: a symmetric equality states
        # every off-diagonal entry twice, and those dependent rows can stop Clarabel at its first step
        self.cov = []
        for b, nt in enumerate(antennas):
            parts = [selector(blk, b, nt) @ s @ selector(blk, b, nt).T for blk, s in zip(blocks, self.S) if b in blk.bss]
            if self.sensing[b] is not None:
                parts.append(self.sensing[b])
            self.cov.append(cp.sum(parts) if parts else cp.Constant(np.zeros((2 * nt,) * 2)))
        self.psd: list = []

    def total(self, b: int) -> cp.Expression:
        return self.cov[b]

    def power(self, b: int) -> cp.Expression:
        return cp.trace(self.cov[b]) / 2

    def part_power(self, i: int, b: int) -> cp.Expression:
        """The power block i puts on BS b (its (b, b) sub-block's trace)."""
        e = selector(self.blocks[i], b, self.dims[b])
        return cp.trace(e @ self.S[i] @ e.T) / 2

    def comm_power(self, b: int) -> cp.Expression:
        s0 = self.sensing[b]
        return self.power(b) - (cp.trace(s0) / 2 if s0 is not None else 0)

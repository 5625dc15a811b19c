"""TransmitDesign: what every BS transmits (SPEC.md section 3)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ValidationError
from .network.model import Network
from .shared_arrays import read_only

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class TransmitDesign:
    """Per-BS beamformers and dedicated sensing covariances.

    - ``beams[b]``: (Nt_b, K) complex; column k is w_{b,k} (zero when b does not serve k)
    - ``sensing[b]``: (Nt_b, Nt_b) Hermitian PSD, R0_b

    BS b transmits ``x_b = sum_k w_{b,k} s_k + s_{0,b}``; its covariance is
    ``R_b = W_b W_b^H + R0_b`` and its power ``tr(R_b)`` [W].

    Not changed after it is first read: its covariances and the metrics several others read (:meth:`memo`)
    are kept on it; make a new design (:meth:`scaled`, :meth:`from_arrays`) rather than writing into one.
    """

    beams: tuple[NDArray[np.complex128], ...]
    sensing: tuple[NDArray[np.complex128], ...]

    @classmethod
    def from_arrays(cls, network: Network, beams: Sequence[ArrayLike], sensing: Sequence[ArrayLike] | None = None,
                    *, psd_tol: float = 1e-9) -> "TransmitDesign":
        """Validated design: shapes match ``network``, sensing covariances are Hermitian PSD."""
        if len(beams) != network.n_bs:
            raise ValidationError([("beams", f"need one (Nt, K) array per BS ({network.n_bs}), got {len(beams)}")])
        out_w, out_r = [], []
        for b, bs in enumerate(network.base_stations):
            w = np.asarray(beams[b], dtype=np.complex128).reshape(bs.tx_antennas, -1) if network.n_users else \
                np.zeros((bs.tx_antennas, 0), dtype=np.complex128)
            if w.shape != (bs.tx_antennas, network.n_users):
                raise ValidationError([(f"beams[{b}]", f"shape must be ({bs.tx_antennas}, {network.n_users}), got {w.shape}")])
            r = np.zeros((bs.tx_antennas,) * 2, dtype=np.complex128) if sensing is None else \
                np.asarray(sensing[b], dtype=np.complex128)
            if r.shape != (bs.tx_antennas,) * 2:
                raise ValidationError([(f"sensing[{b}]", f"shape must be ({bs.tx_antennas}, {bs.tx_antennas}), got {r.shape}")])
            if not (np.all(np.isfinite(w)) and np.all(np.isfinite(r))):
                raise ValidationError([(f"beams[{b}] / sensing[{b}]", "NaN or infinite entries")])
            scale = max(1.0, float(np.abs(r).max(initial=0.0)))
            if np.abs(r - r.conj().T).max(initial=0.0) > psd_tol * scale:
                raise ValidationError([(f"sensing[{b}]", "must be Hermitian")])
            r = (r + r.conj().T) / 2
            if r.size and np.linalg.eigvalsh(r).min() < -psd_tol * scale:
                raise ValidationError([(f"sensing[{b}]", "must be positive semidefinite")])
            out_w.append(w)
            out_r.append(r)
        return cls(tuple(out_w), tuple(out_r))

    def covariance(self, b: int) -> NDArray[np.complex128]:
        """R_b = W_b W_b^H + R0_b (computed once per design: every metric reads it; a design is not changed
        after it is first read)."""
        return self._covariances[b]

    def memo(self, key: str, inputs: tuple, compute: Callable[[], T]) -> T:
        """``compute()`` once per design and ``inputs`` (the very objects, e.g. the channels: a metric several
        others read, such as the targets' gains or the angle-CRB traces); arrays come back read-only. Only the
        last inputs are kept: a design is evaluated on one snapshot at a time (holding them also keeps their
        ids from being reused)."""
        memo = self.__dict__.setdefault("_memo", {})
        seen = memo.get(key)
        if seen is not None and len(seen[0]) == len(inputs) and all(a is b for a, b in zip(seen[0], inputs)):
            return seen[1]
        value = compute()
        for a in value if isinstance(value, tuple) else (value,):
            if isinstance(a, np.ndarray):
                read_only(a)
        memo[key] = (inputs, value)
        return value

    @cached_property
    def stacked_covariances(self) -> NDArray[np.complex128] | None:
        """(B, Nt, Nt): every R_b in one array when every BS has the same Nt (batched metrics), else None."""
        covs = self._covariances
        return np.stack(covs) if covs and len({r.shape for r in covs}) == 1 else None

    @cached_property
    def _covariances(self) -> tuple[NDArray[np.complex128], ...]:
        # each from the BS's own streams (the other columns are zero)
        return tuple(w[:, cols] @ w[:, cols].conj().T + r0 for w, cols, r0 in zip(self.beams, self.streams, self.sensing))

    @cached_property
    def streams(self) -> tuple[NDArray[np.int64], ...]:
        """Per BS, the users whose data it beams (its nonzero columns), ascending (read-only, computed once)."""
        return tuple(read_only(np.flatnonzero(row)) for row in self._beaming)

    @cached_property
    def stream_bs(self) -> NDArray[np.int64] | None:
        """Per user, the one BS beaming its data (-1: none); None when some user's data comes from several BSs
        (CoMP). Read-only, computed once."""
        beaming = self._beaming
        count = beaming.sum(axis=0)
        if np.any(count > 1):
            return None
        return read_only(np.where(count > 0, np.argmax(beaming, axis=0), -1))

    @cached_property
    def stacked_beams(self) -> NDArray[np.complex128] | None:
        """(B, Nt, K): every W_b in one array when every BS has the same Nt (batched metrics), else None."""
        return read_only(np.stack(self.beams)) if self.beams and len({w.shape for w in self.beams}) == 1 else None

    @cached_property
    def _beaming(self) -> NDArray[np.bool_]:
        """(B, K): BS b beams user k's data."""
        if self.stacked_beams is not None:
            return np.any(self.stacked_beams != 0, axis=1)
        return np.array([np.any(w != 0, axis=0) for w in self.beams], dtype=bool).reshape(len(self.beams), -1)

    @cached_property
    def power_w(self) -> NDArray[np.float64]:
        """Per-BS transmit power tr(R_b) [W] (read-only, computed once)."""
        return read_only(self.comm_power_w + self.sensing_power_w)  # the same sums, each made once

    @cached_property
    def comm_power_w(self) -> NDArray[np.float64]:
        """Per-BS power in the data beams, sum_k ||w_{b,k}||^2 [W] (read-only, computed once)."""
        w = self.stacked_beams
        if w is not None:  # every BS at once
            return read_only(np.sum(np.abs(w) ** 2, axis=(1, 2)))
        return read_only(np.array([float(np.sum(np.abs(w) ** 2)) for w in self.beams]))

    @cached_property
    def sensing_power_w(self) -> NDArray[np.float64]:
        """Per-BS power in the dedicated sensing signal, tr(R0_b) [W] (read-only, computed once)."""
        if self.sensing and len({r.shape for r in self.sensing}) == 1:  # every BS at once
            return read_only(np.real(np.trace(np.stack(self.sensing), axis1=1, axis2=2)))
        return read_only(np.array([float(np.real(np.trace(r))) for r in self.sensing]))

    @classmethod
    def zeros(cls, network: Network) -> "TransmitDesign":
        """The all-zero design of ``network`` (no beam, no sensing signal): writable arrays to fill in."""
        return cls(tuple(np.zeros((b.tx_antennas, network.n_users), dtype=np.complex128) for b in network.base_stations),
                   tuple(np.zeros((b.tx_antennas,) * 2, dtype=np.complex128) for b in network.base_stations))

    def scaled(self, factor: float) -> "TransmitDesign":
        """Every BS's power multiplied by ``factor`` (beams by sqrt(factor))."""
        s = float(np.sqrt(factor))
        return TransmitDesign(tuple(w * s for w in self.beams), tuple(r * factor for r in self.sensing))

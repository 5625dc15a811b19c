"""Position CRLB of distributed MIMO radar (SPEC.md 5.4 and 11; Godrich, Haimovich, Blum 2010).

Every BS of a target's sensing cluster Q_t listens to the echoes of the cluster; the pair
(i -> target -> j) measures the bistatic range d_i + d_j with a delay CRLB of
``1 / (8 pi^2 beta^2 SNR_ij)``. Stacking the pairs gives the 2x2 Fisher information of the position:

    J_t = (8 pi^2 beta^2 / c^2) sum_{(i,j)} SNR_ij u_ij u_ij^T,   u_ij = e_i + e_j

Options (SPEC.md 11, :class:`CrlbModel`):

- ``waveform="orthogonal"``: a cross pair (i != j) sees only BS i's dedicated sensing covariance R0_i
  (data beams cannot be told apart at another BS's receiver); a monostatic pair sees all of R_i.
  ``"unified"``: every pair sees R_i.
- ``interference``: sigma^2 becomes the interference-plus-noise at the receiving BS j, the 5.2
  interference of the BS-to-BS links carrying what the matched filter cannot reject: R_m (unified)
  or the data part R_m - R0_m (orthogonal: the sensing waveforms are mutually orthogonal), m != j.
- ``angle_information``: each monostatic receiver adds its angle information 1 / CRB(phi) (5.3, same
  interference-plus-noise) mapped to position: dphi/dp = e_perp / d, so ``J += J_phi e_perp e_perp^T / d^2``.
  Bistatic angles are not used (a conservative bound: the full likelihood knows them too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
from numpy.typing import NDArray

from ..channels.arrays import quadratic_forms
from ..channels.derive import Channels
from ..design import TransmitDesign
from ..network.model import Network
from ..units import SPEED_OF_LIGHT
from .angle_crb import angle_fisher
from .sensing import sensing_interference_at, target_beampattern

PairSet = Literal["fusion", "multistatic", "coherent"]
Waveform = Literal["orthogonal", "unified"]


@dataclass(frozen=True)
class CrlbModel:
    """What enters the position Fisher information (SPEC.md 5.4, 11); see the module docstring."""

    pairs: PairSet = "multistatic"
    waveform: Waveform = "orthogonal"
    interference: bool = False
    angle_information: bool = False

    def describe(self) -> str:
        return (f"pairs={self.pairs}, sensing_waveform={self.waveform}, crlb_interference={self.interference}, "
                f"angle_information={self.angle_information}")


def pairs_of(cluster: Sequence[int], pairs: PairSet) -> list[tuple[int, int]]:
    """Transmit/receive pairs that count: monostatic only for ``fusion``, all pairs otherwise."""
    if pairs == "fusion":
        return [(i, i) for i in cluster]
    if pairs in ("multistatic", "coherent"):
        return [(i, j) for i in cluster for j in cluster]
    raise ValueError(f"pairs must be 'fusion', 'multistatic' or 'coherent', got {pairs!r}")


def unit_vectors(network: Network, t: int) -> NDArray[np.float64]:
    """(B, 2): e_i = (p_t - s_i) / ||p_t - s_i||."""
    d = network.target_positions[t][None, :] - network.bs_positions
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def fim_scale(network: Network, pairs: PairSet) -> float:
    """8 pi^2 beta^2 / c^2, with f_c^2 added to beta^2 for phase-locked (coherent) pairs."""
    s = network.system
    beta2 = s.beta_rms_hz**2 + (s.carrier_hz**2 if pairs == "coherent" else 0.0)
    return 8.0 * np.pi**2 * beta2 / SPEED_OF_LIGHT**2


def pair_snr(network: Network, channels: Channels, gains: NDArray[np.float64], i: int, j: int, t: int) -> float:
    """SNR_ij = L Nr_j G(d_i, d_j) g_i(phi_it) / sigma^2 for target t."""
    nr = network.base_stations[j].rx_antennas
    return network.system.samples * nr * channels.radar_gain[i, j, t] * gains[i, t] / channels.noise_w


def cross_gains(channels: Channels, design: TransmitDesign, waveform: Waveform) -> NDArray[np.float64]:
    """(B, T): the beampattern gain a cross pair (i != j) sees: of R0_i (orthogonal) or of R_i (unified)."""
    if _checked(waveform) == "unified":
        return target_beampattern(channels, design)
    a = channels.stacked("tx_steering")
    if a is not None:  # every BS at once
        return np.real(quadratic_forms(a, np.stack(design.sensing)))
    rows = [np.real(quadratic_forms(a, design.sensing[b])) for b, a in enumerate(channels.tx_steering)]
    return np.array(rows).reshape(channels.n_bs, -1)


def _checked(waveform: Waveform) -> Waveform:
    if waveform not in ("orthogonal", "unified"):
        raise ValueError(f"sensing_waveform must be 'orthogonal' or 'unified', got {waveform!r}")
    return waveform


def receiver_noise(channels: Channels, design: TransmitDesign, waveform: Waveform,
                   interference: bool, clusters: Sequence[Sequence[int]] | None = None) -> NDArray[np.float64]:
    """(B, T): what a pair received at BS j competes with for target t: sigma^2, plus the BS-to-BS
    interference the matched filter cannot reject when ``interference`` (module docstring);
    ``clusters``: only the receivers of each target's cluster are computed (NaN elsewhere)."""
    noise = np.full(channels.target_distance_m.shape, channels.noise_w)
    if not interference:
        return noise
    pairs = None if clusters is None else in_clusters(channels.target_distance_m.shape, clusters)
    return noise + sensing_interference_at(channels, design, "data" if waveform == "orthogonal" else "total",
                                           pairs=pairs)


def in_clusters(shape: tuple[int, int], clusters: Sequence[Sequence[int]]) -> NDArray[np.bool_]:
    """(B, T) mask of the (BS, target) pairs with the BS in the target's cluster."""
    mask = np.zeros(shape, dtype=bool)
    for t, cluster in enumerate(clusters):
        mask[list(cluster), t] = True
    return mask


def angle_geometry(network: Network, t: int) -> NDArray[np.float64]:
    """(B, 2, 2): e_perp e_perp^T / d^2 of every BS toward target t (the Jacobian of its azimuth)."""
    d = network.target_positions[t][None, :] - network.bs_positions
    perp = np.stack([-d[:, 1], d[:, 0]], axis=1)
    dist2 = np.sum(d**2, axis=1)
    return perp[:, :, None] * perp[:, None, :] / (dist2**2)[:, None, None]


@dataclass(frozen=True)
class Measurement:
    """One scalar measurement of a target's position that a design affords (its Fisher information).

    ``range_sum``: the delay of the path ``tx -> target -> rx``, i.e. ``d_tx + d_rx`` [m], gradient
    ``e_tx + e_rx``; ``azimuth``: the angle of arrival at BS ``rx`` (``tx == rx``) [rad], gradient
    ``e_perp / d``. The position FIM is the sum of ``information * g g^T`` over a target's measurements.
    """

    kind: Literal["range_sum", "azimuth"]
    tx: int
    rx: int
    information: float  # 1 / variance of the measured quantity [1/m^2] or [1/rad^2]


@dataclass(frozen=True)
class MeasurementTable:
    """Every target's measurements as flat arrays, in the order :func:`position_measurements` lists them
    (per target: its range pairs, then its azimuths): ``target``, ``tx``, ``rx`` (int), ``azimuth``
    (bool: an angle of arrival at ``rx``, else the range sum of ``tx -> target -> rx``), ``information``."""

    target: NDArray[np.int64]
    tx: NDArray[np.int64]
    rx: NDArray[np.int64]
    azimuth: NDArray[np.bool_]
    information: NDArray[np.float64]


def measurement_table(network: Network, channels: Channels, design: TransmitDesign,
                      clusters: Sequence[Sequence[int]], pairs: PairSet = "multistatic", *,
                      waveform: Waveform = "orthogonal", interference: bool = False,
                      angle_information: bool = False, range_information: bool = True,
                      target_pairs: Sequence[PairSet] | None = None) -> MeasurementTable:
    """The measurements of every target's cluster with ``design`` (options: :func:`position_fim`), as
    arrays: the pair SNRs are computed in one vectorised step, not pair by pair."""
    mono = target_beampattern(channels, design)
    noise = receiver_noise(channels, design, _checked(waveform), interference, clusters)
    snr_scale = channels.noise_w / noise  # SNR -> SINR per (receiver, target)
    angle = angle_fisher(network, channels, design) * snr_scale if angle_information else None
    t, tx, rx, az, scale = _measurement_rows(network, clusters, pairs, target_pairs, range_information,
                                             angle is not None)
    nr = np.array([b.rx_antennas for b in network.base_stations], dtype=float)
    monostatic = tx == rx
    # the cross gains only where a pair is bistatic (fusion pairs never are)
    gains = mono[tx, t] if monostatic.all() else \
        np.where(monostatic, mono[tx, t], cross_gains(channels, design, waveform)[tx, t])
    # SNR_ij = L Nr_j G(d_i, d_j) g_i(phi_it) / sigma^2, times the receiver's SNR -> SINR factor
    info = scale * network.system.samples * nr[rx] * channels.radar_gain[tx, rx, t] * gains / channels.noise_w \
        * snr_scale[rx, t]
    if angle is not None:
        info = np.where(az, angle[rx, t], info)
    return MeasurementTable(t, tx, rx, az, info.astype(float))


def _measurement_rows(network: Network, clusters: Sequence[Sequence[int]], pairs: PairSet,
                      target_pairs: Sequence[PairSet] | None, range_information: bool, angle: bool):
    """The rows of :func:`measurement_table` (target, tx, rx, azimuth, FIM scale) as arrays, per target its
    range pairs (in :func:`pairs_of`'s order) and then its azimuths: made per group of targets with clusters of
    one size and one kind of pair (usually one group), not row by row."""
    groups: dict[tuple[int, PairSet], list[int]] = {}
    sizes, kinds = set(map(len, clusters)), {pairs} if target_pairs is None else set(target_pairs)
    if len(sizes) == 1 and len(kinds) == 1:  # the usual case: one group, no need to sort targets into groups
        groups[(sizes.pop(), kinds.pop())] = list(range(len(clusters)))
    for t, cluster in enumerate(clusters if not groups else ()):
        groups.setdefault((len(cluster), pairs if target_pairs is None else target_pairs[t]), []).append(t)
    parts = []
    for (n, pt), ts in groups.items():
        if n == 0:
            continue
        if pt not in ("fusion", "multistatic", "coherent"):
            pairs_of([], pt)  # raises: its error names the choices
        members = np.array([clusters[t] for t in ts], dtype=np.int64).reshape(len(ts), n)  # (m, n)
        local = np.arange(n)
        tx_at, rx_at = (local, local) if pt == "fusion" else (np.repeat(local, n), np.tile(local, n))
        tx_parts, rx_parts, az_parts, scale_parts = [], [], [], []
        if range_information:
            tx_parts.append(members[:, tx_at])
            rx_parts.append(members[:, rx_at])
            az_parts.append(np.zeros(len(tx_at), dtype=bool))
            scale_parts.append(np.full(len(tx_at), fim_scale(network, pt)))
        if angle:
            tx_parts.append(members)
            rx_parts.append(members)
            az_parts.append(np.ones(n, dtype=bool))
            scale_parts.append(np.ones(n))
        if not tx_parts:
            continue
        tx, rx = np.concatenate(tx_parts, axis=1), np.concatenate(rx_parts, axis=1)  # (m, rows per target)
        parts.append((np.repeat(np.array(ts, dtype=np.int64), tx.shape[1]), tx.ravel(), rx.ravel(),
                      np.tile(np.concatenate(az_parts), len(ts)), np.tile(np.concatenate(scale_parts), len(ts))))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0, dtype=bool), np.zeros(0)
    t, tx, rx, az, scale = (np.concatenate(col) for col in zip(*parts))
    order = np.argsort(t, kind="stable")  # target by target, each in its group's order
    return t[order], tx[order], rx[order], az[order], scale[order]


def position_measurements(network: Network, channels: Channels, design: TransmitDesign,
                          clusters: Sequence[Sequence[int]], pairs: PairSet = "multistatic", *,
                          waveform: Waveform = "orthogonal", interference: bool = False,
                          angle_information: bool = False, range_information: bool = True,
                          target_pairs: Sequence[PairSet] | None = None) -> list[list[Measurement]]:
    """Per target, the measurements its cluster makes with ``design`` (options: :func:`position_fim`)."""
    table = measurement_table(network, channels, design, clusters, pairs, waveform=waveform,
                              interference=interference, angle_information=angle_information,
                              range_information=range_information, target_pairs=target_pairs)
    out: list[list[Measurement]] = [[] for _ in clusters]
    for t, i, j, az, info in zip(table.target.tolist(), table.tx.tolist(), table.rx.tolist(),
                                 table.azimuth.tolist(), table.information.tolist()):
        out[t].append(Measurement("azimuth" if az else "range_sum", i, j, info))
    return out


def position_fim(network: Network, channels: Channels, design: TransmitDesign,
                 clusters: Sequence[Sequence[int]], pairs: PairSet = "multistatic", *,
                 waveform: Waveform = "orthogonal", interference: bool = False,
                 angle_information: bool = False, range_information: bool = True,
                 target_pairs: Sequence[PairSet] | None = None) -> NDArray[np.float64]:
    """(T, 2, 2): Fisher information J_t of every target position [1/m^2] (options: module docstring;
    ``range_information=False`` drops the range terms: angle-only localisation, for scaling studies;
    ``target_pairs[t]`` replaces ``pairs`` for target t, e.g. where the backhaul admitted only fusion)."""
    m = measurement_table(network, channels, design, clusters, pairs, waveform=waveform,
                          interference=interference, angle_information=angle_information,
                          range_information=range_information, target_pairs=target_pairs)
    out = np.zeros((network.n_targets, 2, 2))
    if len(m.target) == 0:
        return out
    d = network.target_positions[m.target] - network.bs_positions[m.rx]  # BS rx -> target
    # range sum d_tx + d_rx: gradient e_tx + e_rx; azimuth at rx: gradient e_perp / d_rx
    e_rx = d / np.linalg.norm(d, axis=1, keepdims=True)
    d_tx = network.target_positions[m.target] - network.bs_positions[m.tx]
    e_tx = d_tx / np.linalg.norm(d_tx, axis=1, keepdims=True)
    perp = np.stack([-d[:, 1], d[:, 0]], axis=1) / np.sum(d**2, axis=1, keepdims=True)
    g = np.where(m.azimuth[:, None], perp, e_tx + e_rx)
    np.add.at(out, m.target, m.information[:, None, None] * g[:, :, None] * g[:, None, :])
    return out


def crlb_from_fim(fim: NDArray[np.float64], rel_tol: float = 1e-9) -> float:
    """tr(J^{-1}) [m^2]; ``inf`` when J is singular (fewer than two independent directions)."""
    fim = np.asarray(fim, dtype=float)
    return float(crlb_from_fims(fim[None], rel_tol)[0])


def crlb_from_fims(fims: NDArray[np.float64], rel_tol: float = 1e-9) -> NDArray[np.float64]:
    """:func:`crlb_from_fim` of a stack (T, N, N) at once: ``sum 1 / eig``, ``inf`` where the smallest eigenvalue
    is at most ``rel_tol`` times the largest."""
    if len(fims) == 0:
        return np.zeros(0)
    eig = symmetric_2x2_eigenvalues(fims) if fims.shape[1:] == (2, 2) else np.linalg.eigvalsh(fims)
    singular = (eig[:, -1] <= 0) | (eig[:, 0] <= rel_tol * eig[:, -1])
    with np.errstate(divide="ignore"):
        return np.where(singular, np.inf, np.sum(1.0 / np.where(singular[:, None], 1.0, eig), axis=1))


def symmetric_2x2_eigenvalues(m: NDArray[np.float64]) -> NDArray[np.float64]:
    """(T, 2): the eigenvalues, ascending, of a stack of real symmetric 2x2 matrices (the lower triangle is read,
    as ``eigvalsh`` does), in closed form. The larger in magnitude is ``(a + c +- rt) / 2``; the other comes from
    the determinant, ``(a c - b^2) / that``, written as LAPACK's ``dlae2`` writes it so that it keeps its relative
    accuracy when the two differ by orders of magnitude (a nearly singular FIM). A tenth of ``eigvalsh``'s time
    on a seed-size snapshot's (T, 2, 2) stack."""
    a, b, c = m[:, 0, 0], m[:, 1, 0], m[:, 1, 1]
    sm = a + c
    rt = np.hypot(a - c, 2.0 * b)
    big = 0.5 * (sm + np.copysign(rt, sm))  # the eigenvalue of the larger magnitude (sign of the trace)
    large_a = np.abs(a) > np.abs(c)
    acmx, acmn = np.where(large_a, a, c), np.where(large_a, c, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        other = (acmx / big) * acmn - (b / big) * b
    other = np.where(big == 0, 0.0, other)  # a zero matrix
    return np.sort(np.stack([big, other], axis=1), axis=1)


def position_crlb(network: Network, channels: Channels, design: TransmitDesign,
                  clusters: Sequence[Sequence[int]], pairs: PairSet = "multistatic", *,
                  waveform: Waveform = "orthogonal", interference: bool = False,
                  angle_information: bool = False, range_information: bool = True,
                  target_pairs: Sequence[PairSet] | None = None) -> NDArray[np.float64]:
    """(T,): position CRLB tr(J_t^{-1}) of every target [m^2]; ``inf`` where J_t is singular.
    Options: :func:`position_fim` (``waveform``: which covariance a cross pair sees; ``interference``:
    pair SINRs instead of SNRs; ``angle_information``: monostatic angle information added)."""
    if not angle_information and max(map(len, clusters), default=0) <= 1:
        # at most one BS per cluster and no angles: one range per target, a rank-one FIM, singular whatever the
        # design (the options are still checked, as the full computation would)
        _checked(waveform)
        for kind in {pairs, *(target_pairs or ())}:
            pairs_of([], kind)
        return np.full(network.n_targets, np.inf)
    fims = position_fim(network, channels, design, clusters, pairs, waveform=waveform, interference=interference,
                        angle_information=angle_information, range_information=range_information,
                        target_pairs=target_pairs)
    return crlb_from_fims(fims)


def model_crlb(network: Network, channels: Channels, design: TransmitDesign, clusters: Sequence[Sequence[int]],
               model: CrlbModel, target_pairs: Sequence[PairSet] | None = None) -> NDArray[np.float64]:
    """:func:`position_crlb` with the options of ``model``."""
    return position_crlb(network, channels, design, clusters, model.pairs, waveform=model.waveform,
                         interference=model.interference, angle_information=model.angle_information,
                         target_pairs=target_pairs)

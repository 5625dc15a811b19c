"""Closed-form designs of the analytical model (SPEC.md sections 9 and 10): precoders in null spaces.

BS j transmits inside the null space ``V_j`` of its interference nulls (an orthonormal basis; the
identity without nulls). Its served users get data beams ``w = V_j z`` computed on the reduced channels
``h^H V_j``:

- ``zf``: zero-forcing, ``Z = H~^+`` (each beam orthogonal to the BS's other users),
- ``mrt``: maximum ratio, ``Z = H~^H``,
- ``rzf``: regularised ZF ``H~^H (H~ H~^H + K sigma^2 / P I)^-1`` (noise-only regulariser),
- ``mmse``: the same with the interference each user sees from the BSs that do not null it, under
  isotropic transmission, added to the noise in the regulariser (interference-aware),

every beam with unit norm and an equal share of the data power. Sensing (``sensing_streams``):
``shared`` sends no sensing signal, the data beams illuminate the targets; ``dedicated`` adds one beam
per illuminated target: the steering vector projected onto the part of the null space that the BS's own
served users do not see (so the sensing beams do not interfere with them), equal shares of the sensing
power ``(1 - comm_fraction) P`` (``sensing='isotropic'``: spread evenly over that subspace instead;
``'none'``: no sensing power). A BS with no users (no targets) spends its whole budget on the other
function; with neither it transmits nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from .channels.derive import Channels
from .design import TransmitDesign
from .errors import DegreesOfFreedomError, ValidationError
from .loads import nodes_of
from .network.model import Network

if TYPE_CHECKING:  # the null spaces are built a layer up (isacopt.formulation); only their fields are read here
    from .formulation.nullspace import NullSpaces

Precoder = Literal["mrt", "zf", "rzf", "mmse"]
SensingStreams = Literal["shared", "dedicated"]
SensingShape = Literal["directional", "isotropic", "none"]
PRECODERS = ("mrt", "zf", "rzf", "mmse")
DataPower = Literal["equal", "gain"]


def data_directions(h_reduced: NDArray[np.complex128], rule: Precoder, regulariser: float,
                    where: str, nt: int) -> NDArray[np.complex128]:
    """Unit-norm beam directions (d, K) in reduced coordinates from rows ``h^H V`` (K, d)."""
    return unit_directions(h_reduced[None], rule, np.array([regulariser]), [where], [nt])[0]


def unit_directions(h_reduced: NDArray[np.complex128], rule: Precoder, regulariser: NDArray[np.float64],
                    where: Sequence[str], nt: Sequence[int]) -> NDArray[np.complex128]:
    """:func:`data_directions` of a stack of BSs with as many users and dimensions each, (G, K, d) -> (G, d, K):
    numpy's linear algebra runs each matrix of a stack as it would run it alone (the same bits)."""
    _, k, d = h_reduced.shape
    if rule == "mrt":
        z = np.swapaxes(h_reduced, 1, 2).conj()
    elif rule == "zf":
        if k > d:
            raise DegreesOfFreedomError([(where[0], f"zero-forcing {k} users needs at least as many transmit "
                                                    f"dimensions: Nt = {nt[0]}, {nt[0] - d} spent on nulls, {d} left")])
        z = np.linalg.pinv(h_reduced)  # H~ Z = I for full row rank
    elif rule in ("rzf", "mmse"):
        # push-through form H~^H (H~ H~^H + reg I)^{-1}: a K x K solve, stable as reg -> 0
        h_h = np.swapaxes(h_reduced, 1, 2).conj()
        z = h_h @ np.linalg.inv(h_reduced @ h_h + regulariser[:, None, None] * np.eye(k))
    else:
        raise ValidationError([("precoder", f"must be one of {PRECODERS}, got {rule!r}")])
    norms = np.linalg.norm(z, axis=-2)
    return z / np.where(norms > 0, norms, 1.0)[:, None, :]


def _regulariser(network: Network, channels: Channels, nulls: "NullSpaces | None", j: int, users: list[int],
                 rule: Precoder) -> float:
    power = network.base_stations[j].power_w
    if rule != "mmse" or not users:
        return len(users) * channels.noise_w / power
    others = [i for i in range(network.n_bs) if i != j]
    interference = [sum(network.base_stations[i].power_w * np.linalg.norm(channels.comm[i][k]) ** 2
                        / network.base_stations[i].tx_antennas
                        for i in others if nulls is None or k not in nulls.nulled_users[i]) for k in users]
    return len(users) * (channels.noise_w + float(np.mean(interference))) / power


def _free_of_users_all(bases: list[NDArray[np.complex128]], reduced: list[NDArray[np.complex128]]) -> list:
    """Per BS j, an orthonormal basis (Nt, d') of the part of span(bases[j]) orthogonal to the users' channels
    (rows ``reduced[j]``, in the basis's coordinates); the SVDs of equal shapes in one call (numpy runs LAPACK
    on each matrix of a stack as on a single one: the same bits)."""
    out: list[NDArray[np.complex128] | None] = [None] * len(bases)
    groups: dict[tuple[int, ...], list[int]] = {}
    for j, h in enumerate(reduced):
        if h.shape[0] == 0:
            out[j] = bases[j]
        else:
            groups.setdefault(h.shape, []).append(j)
    for js in groups.values():
        _, svs, vhs = np.linalg.svd(np.stack([reduced[j] for j in js]), full_matrices=True)
        largest = np.maximum(svs.max(axis=1, initial=0.0), np.finfo(float).tiny)
        ranks = np.sum(svs > 1e-9 * largest[:, None], axis=1).tolist()  # every BS's rank in one pass
        for j, rank, vh in zip(js, ranks, vhs):
            out[j] = bases[j] @ vh[rank:].conj().T
    return out


def closed_form_design(network: Network, channels: Channels, *, served: Sequence[int],
                       illuminated: Sequence[Sequence[int]], nulls: "NullSpaces | None" = None,
                       precoder: Precoder = "zf", sensing_streams: SensingStreams = "dedicated",
                       comm_fraction: float = 0.5, sensing: SensingShape = "directional",
                       carried: Sequence[Sequence[int]] | None = None,
                       project_sensing: bool = True, data_power: DataPower = "equal") -> TransmitDesign:
    """The design of every BS: ``served[k]`` the BS serving user k (-1: none), ``illuminated[j]`` the
    targets BS j spends sensing power on, ``nulls`` the null spaces (none: the whole array);
    ``carried[j]``: the users BS j beams to when it is not only those it heads (CoMP: every user whose
    cluster holds j; the unit-gain beams of ZF / MRT / RZF reach each user with a real positive gain,
    so the BSs of a cluster add coherently); ``project_sensing=False``: sensing beams are the plain
    steering vectors, not kept off the BS's own users; ``data_power``: a BS's data power in ``equal`` shares
    per stream or in shares proportional to the channel gains of the users it carries (``gain``)."""
    if not 0.0 <= comm_fraction <= 1.0:
        raise ValidationError([("comm_fraction", f"must be in [0, 1], got {comm_fraction}")])
    if sensing not in ("isotropic", "directional", "none"):
        raise ValidationError([("sensing", f"must be 'isotropic', 'directional' or 'none', got {sensing!r}")])
    if sensing_streams not in ("shared", "dedicated"):
        raise ValidationError([("sensing_streams", f"must be 'shared' or 'dedicated', got {sensing_streams!r}")])
    carried = nodes_of(served, network.n_bs) if carried is None else carried
    bases = [nulls.bases[j] if nulls is not None else np.eye(bs.tx_antennas, dtype=complex)
             for j, bs in enumerate(network.base_stations)]
    reduced = [channels.comm[j][list(carried[j])].conj() @ bases[j] if len(carried[j]) else
               np.zeros((0, bases[j].shape[1]), dtype=complex) for j in range(network.n_bs)]
    free = _free_of_users_all(bases, reduced) if project_sensing else bases
    plans = [_plan(list(carried[j]), list(illuminated[j]), sensing, sensing_streams, comm_fraction)
             for j in range(network.n_bs)]
    beams = _data_beams(network, channels, nulls, bases, reduced, plans, precoder, data_power)
    covs = []
    for j, (bs, (users, targets, senses, frac)) in enumerate(zip(network.base_stations, plans)):
        p_sense = (1.0 - frac) * bs.power_w if senses else 0.0
        space = bases[j] if frac == 0 else free[j]
        covs.append(_sensing_covariance(channels, j, space, targets, p_sense, sensing, bs.tx_antennas))
    return TransmitDesign(tuple(beams), tuple(covs))


def _plan(users: list[int], targets: list[int], sensing: SensingShape, sensing_streams: SensingStreams,
          comm_fraction: float) -> tuple[list[int], list[int], bool, float]:
    """(users, targets, senses, the data's fraction of the power) of one BS."""
    senses = sensing != "none" and (sensing == "isotropic" or bool(targets))
    if not users:
        frac = 0.0
    elif sensing_streams == "shared" or not senses:
        frac = 1.0
    else:
        frac = comm_fraction
    return users, targets, senses, frac


def _data_beams(network: Network, channels: Channels, nulls: "NullSpaces | None", bases: list, reduced: list,
                plans: list, precoder: Precoder, data_power: DataPower) -> list[NDArray[np.complex128]]:
    """Every BS's (Nt, K) data beams: unit directions scaled to equal (``equal``) or gain-proportional (``gain``:
    a CoMP helper gives little to far users) shares of its data power. The BSs with as many users and null-space
    dimensions are computed as one stack (usually all of them, or a few stacks), not one by one."""
    beams = [np.zeros((bs.tx_antennas, network.n_users), dtype=complex) for bs in network.base_stations]
    groups: dict[tuple[int, ...], list[int]] = {}
    for j, (users, _, _, frac) in enumerate(plans):
        if users and frac > 0:  # in BS order: a zero-forcing refusal names the first BS short of dimensions
            groups.setdefault(reduced[j].shape + bases[j].shape, []).append(j)
    for js in groups.values():
        bss = [network.base_stations[j] for j in js]
        h_red = np.stack([reduced[j] for j in js])  # (G, K_j, d)
        regularisers = np.array([_regulariser(network, channels, nulls, j, plans[j][0], precoder) for j in js])
        z = unit_directions(h_red, precoder, regularisers, [f"base_stations[{j}] ({bs.id})" for j, bs in zip(js, bss)],
                            [bs.tx_antennas for bs in bss])
        k = h_red.shape[1]
        if data_power == "gain":
            g = np.linalg.norm(h_red, axis=2) ** 2
            total = g.sum(axis=1, keepdims=True)
            share = np.where(total > 0, g / np.where(total > 0, total, 1.0), 1.0 / k)
        else:
            share = np.full((len(js), k), 1.0 / k)
        power = np.array([plans[j][3] * bs.power_w for j, bs in zip(js, bss)])  # each BS's data power
        columns = np.stack([bases[j] for j in js]) @ z * np.sqrt(power[:, None] * share)[:, None, :]
        for j, w in zip(js, columns):
            beams[j][:, plans[j][0]] = w
    return beams


def _sensing_covariance(channels: Channels, j: int, space: NDArray[np.complex128], targets: list[int], power: float,
                        shape: SensingShape, nt: int) -> NDArray[np.complex128]:
    if power <= 0 or space.shape[1] == 0:
        return np.zeros((nt, nt), dtype=complex)
    if shape == "isotropic" or not targets:
        return power / space.shape[1] * (space @ space.conj().T)
    s = space @ (space.conj().T @ channels.tx_steering[j][targets].T)  # (Nt, T_j): steering projected
    norms = np.linalg.norm(s, axis=0)
    keep = norms > 1e-9 * np.sqrt(nt)  # a target inside a null direction gets no beam
    if not keep.any():
        return power / space.shape[1] * (space @ space.conj().T)
    s = s[:, keep] / norms[keep]
    return power / s.shape[1] * (s @ s.conj().T)

"""Stochastic geometry of the closed-form ZF model (SPEC.md section 10): mean rate per served user and mean
radar information rate per probed target, in milliseconds per tuple.

The model and its approximations (each checked against the Monte Carlo of the same model):

- Loads: a BS serves the m-th nearest user (m <= K) with ``pi lambda_u r^2 ~ Gamma(m, 1)`` (the users
  around a BS as a PPP, the cell boundary ignored: K well below the mean users per cell), weighted by the
  probability that the cell has at least m users (Poisson counts over a Gamma cell area of shape 3.5);
  likewise the probed targets.
- Signal: a ZF beam with D linear constraints gets ``|h^H w|^2 / beta ~ Gamma(Nt - D, 1)``; D = the K - 1
  other users, the (L - 1) K nulled users and the (Q - 1) c receiver nulls (c = Nr, M or 1 by
  ``sensing_null_rank``). A dedicated sensing beam toward its target gets ``Nt Beta(n, Nt - n)``, the projection of
  the steering vector onto the n-dim subspace left (n = Nt - nulls - K: the BS's own users are avoided
  too); every other beam of the BS illuminates it like a random direction (Exp(1)).
- Interference: every BS transmits its K data and M sensing streams at equal power per stream; its gain
  toward a receiver is ``rho P / K Gamma(K, 1) + (1 - rho) P / M Gamma(M, 1)`` (Rayleigh fading). The
  interferers are a PPP of the BS density outside the L-th nearest BS of the user (comm) or the (Q-1)-th
  nearest other BS of the sensing BS (the protected receivers), inside
  of the simulated region: the square the BSs are dropped in, seen from points of the window where the
  measured nodes are (with a path-loss exponent 2 an infinite plane would interfere infinitely, so the
  region's size is part of the model, as in the simulation).
- The mean of ``ln(1 + S / (I + sigma^2))`` is ``int_0^inf (1 - E e^{-zS}) E e^{-zI} e^{-z sigma^2} / z dz``
  with E e^{-zI} the PPP's Laplace functional.

Only ``precoder: zf`` on Rayleigh channels (users and cross-links) is modelled; anything else is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from scipy import special, stats

from ..channels.pathloss import reference_gain

CELL_SHAPE = 3.5  # Gamma shape of the area of a typical Poisson-Voronoi cell


@dataclass(frozen=True)
class Model:
    """One tuple of the analytical model in SI units (densities per m^2)."""

    bs_density: float
    user_density: float
    target_density: float
    power_w: float
    nt: int
    nr: int
    k: int
    m: int
    comm_cluster: int
    sensing_cluster: int
    comm_fraction: float
    dedicated: bool
    null_rank: str
    noise_w: float
    beta0: float
    alpha: float
    d_min: float
    samples: int
    rcs_m2: float
    wavelength_m: float
    window_half: float   # the measured nodes are in [-w, w]^2
    region_half: float   # the BSs are in [-h, h]^2

    @property
    def receiver_nulls(self) -> int:
        return {"full": min(self.nr, self.nt), "beam": self.m, "los": 1}[self.null_rank]

    @property
    def nulls(self) -> int:
        return (self.comm_cluster - 1) * self.k + (self.sensing_cluster - 1) * self.receiver_nulls

    @property
    def shares(self) -> tuple[float, float]:
        """(data, sensing) shares of the budget of a fully loaded BS."""
        if self.k == 0:
            return 0.0, 1.0
        if not self.dedicated or self.m == 0:
            return 1.0, 0.0
        return self.comm_fraction, 1.0 - self.comm_fraction

    def beta(self, d: np.ndarray) -> np.ndarray:
        return self.beta0 * np.maximum(d, self.d_min) ** (-self.alpha)


@lru_cache(maxsize=256)
def mean_load(per_bs: int, node_density: float, bs_density: float) -> tuple[float, np.ndarray]:
    """E min(per_bs, N) for the N nodes of a typical cell, and P(N >= m) for m = 1..per_bs (read-only;
    computed once per load and densities: a search asks for the same few many times)."""
    if per_bs <= 0:
        return 0.0, np.zeros(0)
    p = CELL_SHAPE * bs_density / (CELL_SHAPE * bs_density + node_density)
    at_least = stats.nbinom(CELL_SHAPE, p).sf(np.arange(per_bs))  # P(N >= m) = P(N > m - 1), m = 1..per_bs
    at_least.flags.writeable = False
    return float(at_least.sum()), at_least


@lru_cache(maxsize=256)
def _gamma_nodes(shape: float, n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of E f(G), G ~ Gamma(shape, 1): a geometric grid weighted by the probability of the
    cell around each node (robust to the log singularity of a rate at distance 0, where Gauss-Laguerre
    converges slowly). Read-only, made once per shape (a frozen scipy law costs more than the quadrature)."""
    law = stats.gamma(shape)
    u = np.geomspace(law.ppf(1e-7), law.isf(1e-9), n)
    edges = np.concatenate([[0.0], np.sqrt(u[1:] * u[:-1]), [np.inf]])
    w = np.diff(law.cdf(edges))
    u.flags.writeable = w.flags.writeable = False
    return u, w


def _interferer_laplace(model: Model, s: np.ndarray) -> np.ndarray:
    """E exp(-s g) of one interferer's gain g (all its streams, unit path gain): s any shape."""
    data, sense = model.shares
    out = np.ones_like(s)
    if model.k and data > 0:
        out = out * (1.0 + s * data * model.power_w / model.k) ** (-model.k)
    if model.m and sense > 0 and (model.dedicated or model.k == 0):
        out = out * (1.0 + s * sense * model.power_w / model.m) ** (-model.m)
    return out


def observers(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Points (n^2, 2) of one quadrant of the window and their weights: where the measured nodes are (the
    region is symmetric, so a quadrant stands for the window)."""
    return _observer_points(model.window_half)


def _observer_points(window_half: float, n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    x, w = special.roots_legendre(n)
    c = (x + 1.0) / 2.0 * window_half
    pts = np.array([(a, b) for a in c for b in c])
    wt = np.array([wa * wb for wa in w for wb in w])
    return pts, wt / wt.sum()


@lru_cache(maxsize=32)
def _arc_fraction(window_half: float, region_half: float, d_min: float, angles: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """The radii x and, for each observer point (rows), the fraction of the circle of radius x around it
    that lies in the square [-region_half, region_half]^2 (where the interfering BSs are)."""
    pts, _ = _observer_points(window_half)
    x = np.geomspace(d_min, region_half * 2.0 * math.sqrt(2.0), 400)
    th = (np.arange(angles) + 0.5) * 2.0 * math.pi / angles
    px = pts[:, 0, None, None] + x[None, :, None] * np.cos(th)[None, None, :]
    py = pts[:, 1, None, None] + x[None, :, None] * np.sin(th)[None, None, :]
    return x, np.mean((np.abs(px) <= region_half) & (np.abs(py) <= region_half), axis=2)


def _field_tail(model: Model, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, T) with T[p, z, i] = 2 pi lambda int_{x_i}^inf (1 - E e^{-z beta(x) g}) arc_p(x) x dx: the
    Laplace exponent of the interferers beyond radius x_i around observer p, inside the BS region."""
    x, arc = _arc_fraction(model.window_half, model.region_half, model.d_min)
    f = (1.0 - _interferer_laplace(model, z[:, None] * model.beta(x)[None, :])) * x[None, :]  # (Z, X)
    g = arc[:, None, :] * f[None, :, :]                                                # (P, Z, X)
    seg = 0.5 * (g[..., 1:] + g[..., :-1]) * np.diff(x)
    tail = np.concatenate([np.cumsum(seg[..., ::-1], axis=-1)[..., ::-1], np.zeros(g.shape[:2] + (1,))], axis=-1)
    return x, 2.0 * math.pi * model.bs_density * tail


def _field(model: Model) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_field_tail` on the model's z grid, computed once for every tuple that shares what it depends
    on (the loads, shares and power of an interferer, the path loss, the regions, the BS density): the
    cluster sizes, densities of the measured nodes and radar constants are set aside, so consecutive tuples
    of a search that differ only in L and Q reuse it (about 9 MB each: a few kept)."""
    return _shared_field(replace(model, user_density=0.0, target_density=0.0, nr=1, comm_cluster=1,
                                 sensing_cluster=1, null_rank="full", samples=1, rcs_m2=1.0, wavelength_m=1.0))


@lru_cache(maxsize=4)
def _shared_field(model: Model) -> tuple[np.ndarray, np.ndarray]:
    x, tail = _field_tail(model, _z_grid(model))
    tail = np.ascontiguousarray(np.moveaxis(tail, 2, 1))  # (P, X, Z): radii picked as rows, z innermost
    x.flags.writeable = tail.flags.writeable = False
    return x, tail


def _field_exponent(field: tuple[np.ndarray, np.ndarray], radii: np.ndarray) -> np.ndarray:
    """(P, R, Z): the exponent of :func:`_field_tail` at inner radii R (linear interpolation), z innermost
    (what the integrals over z read)."""
    x, tail = field
    r = np.clip(radii, x[0], x[-1])
    idx = np.clip(np.searchsorted(x, r) - 1, 0, len(x) - 2)
    frac = ((r - x[idx]) / (x[idx + 1] - x[idx]))[:, None]
    # tail[idx] (1 - frac) + tail[idx + 1] frac, in place: arrays of ~1e6 entries, two instead of four
    out = tail[:, idx, :]
    out *= 1 - frac
    upper = tail[:, idx + 1, :]
    upper *= frac
    out += upper
    return out


def _z_grid(model: Model) -> np.ndarray:
    s_max = model.power_w * model.nt * model.beta0 * model.d_min ** (-model.alpha)
    return np.geomspace(1e-8 / s_max, 1e4 / model.noise_w, 320)


def _mean_log(z: np.ndarray, signal_lt: np.ndarray, interference_lt: np.ndarray, noise_w: float) -> np.ndarray:
    """int (1 - L_S(z)) L_I(z) e^{-z noise} / z dz (trapezoid in ln z), nats; L_S, L_I: (..., z)."""
    f = (1.0 - signal_lt) * interference_lt
    f *= np.exp(-z * noise_w)  # in place (the same operations in the same order): arrays of ~1e6 entries
    pair = f[..., 1:] + f[..., :-1]
    pair *= 0.5
    pair *= np.diff(np.log(z))
    return np.sum(pair, axis=-1)


def _inner_radii(n_nearest: int, density: float, base_r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Radii sqrt(r^2 + V / (pi lambda)) with V ~ Gamma(n_nearest, 1) (the n-th nearest beyond r), and
    their weights: (len(base), nodes)."""
    if n_nearest <= 0:
        return np.sqrt(base_r2)[:, None], np.ones((len(base_r2), 1))
    v, w = _gamma_nodes(n_nearest, 16)
    return np.sqrt(base_r2[:, None] + v[None, :] / (math.pi * density)), np.broadcast_to(w, (len(base_r2), len(w)))


def mean_rate(model: Model) -> float:
    """Mean rate per served user [bit/s/Hz] (nan without users)."""
    if model.k == 0:
        return math.nan
    dof = model.nt - model.nulls - (model.k - 1)
    if dof < 1:
        return math.nan
    _, at_least = mean_load(model.k, model.user_density, model.bs_density)
    data, _ = model.shares
    z = _z_grid(model)
    _, wy = observers(model)
    field = _field(model)
    total = weight = 0.0
    for m in range(1, model.k + 1):
        u, wu = _gamma_nodes(m)
        r = np.sqrt(u / (math.pi * model.user_density))
        radii, wv = _inner_radii(model.comm_cluster - 1, model.bs_density, r ** 2)  # the L-th nearest BS
        expo = _field_exponent(field, radii.ravel()).reshape((len(wy),) + radii.shape + (len(z),))  # (P, R, V, Z)
        interference = np.exp(np.negative(expo, out=expo), out=expo)
        lt_s = (1.0 + z[None, :] * data * model.power_w / model.k * model.beta(r)[:, None]) ** (-dof)
        vals = _mean_log(z, lt_s[None, :, None, :], interference, model.noise_w)  # (P, R, V)
        total += at_least[m - 1] * float(np.einsum("p,r,rv,prv->", wy, wu, wv, vals))
        weight += at_least[m - 1]
    return total / weight / math.log(2.0)


def _beta_laplace(scale: np.ndarray, n: int, nt: int) -> np.ndarray:
    """E exp(-scale Nt B), B ~ Beta(n, Nt - n) (B = 1 when n = Nt), by Gauss-Jacobi quadrature."""
    if n >= nt:
        return np.exp(-scale * nt)
    x, w = special.roots_jacobi(32, nt - n - 1.0, n - 1.0)  # weight (1 - x)^a (1 + x)^b on [-1, 1]
    b = (1.0 + x) / 2.0
    w = w / w.sum()
    return np.sum(w * np.exp(-scale[..., None] * nt * b), axis=-1)


def mean_radar_rate(model: Model) -> float:
    """Mean radar information rate per probed target [bit/s/Hz] (nan without probed targets)."""
    if model.m == 0:
        return math.nan
    data, sense = model.shares
    own_users = model.k
    n_s = model.nt - model.nulls - own_users
    if model.dedicated or model.k == 0:
        if n_s < 1:
            return math.nan
    _, at_least = mean_load(model.m, model.target_density, model.bs_density)
    z = _z_grid(model)
    radar_const = model.samples * model.nr * model.rcs_m2 * 4.0 * math.pi / model.wavelength_m ** 2
    total = weight = 0.0
    # the receiver of the sensing BS: interferers beyond its (Q-1)-th nearest other BS (the protected ones)
    radii, wv = _inner_radii(model.sensing_cluster - 1, model.bs_density, np.zeros(1))
    field = np.exp(-_field_exponent(_field(model), radii.ravel()))  # (P, V, Z)
    _, wy = observers(model)
    for m in range(1, model.m + 1):
        u, wu = _gamma_nodes(m, 48)  # the two-way path loss d^-2alpha: a sharper peak near the BS
        d = np.sqrt(u / (math.pi * model.target_density))
        c = radar_const * model.beta(d) ** 2  # (d,): the two-way gain L Nr G(d, d)
        s = z[None, :] * c[:, None]           # (d, z): the Laplace argument per unit beampattern gain
        if model.dedicated or model.k == 0:
            p_beam = sense * model.power_w / model.m
            lt = _beta_laplace(s * p_beam, n_s, model.nt) * (1.0 + s * p_beam) ** (-(model.m - 1))
            if model.k and data > 0:
                lt = lt * (1.0 + s * data * model.power_w / model.k) ** (-model.k)
        else:  # shared: the K data beams illuminate the target like random directions
            lt = (1.0 + s * model.power_w / model.k) ** (-model.k)
        vals = _mean_log(z, lt[None, :, None, :], field[:, None, :, :], model.noise_w)  # (P, D, V)
        total += at_least[m - 1] * float(np.einsum("p,d,v,pdv->", wy, wu, wv[0], vals))
        weight += at_least[m - 1]
    return total / weight / math.log(2.0)


def model_of(spec, problem, nt: int) -> Model:
    """The analytical model of an allocation file's layout and system for one tuple's design."""
    lay, sysp = spec.layout, spec.system
    if getattr(lay, "kind", "") != "poisson":
        raise ValueError("the analysis models Poisson layouts only (layout.kind: poisson)")
    side = lay.window_m + 2 * lay.guard_m
    return Model(bs_density=lay.bs_per_km2 * 1e-6, user_density=lay.users_per_km2 * 1e-6,
                 target_density=lay.targets_per_km2 * 1e-6, power_w=lay.power_w, nt=nt, nr=lay.rx_antennas,
                 k=problem.users_per_bs or 0, m=problem.targets_per_bs or 0, comm_cluster=problem.comm_cluster,
                 sensing_cluster=problem.sensing_cluster, comm_fraction=problem.comm_fraction,
                 dedicated=problem.sensing_streams == "dedicated" and problem.sensing != "none",
                 null_rank=problem.sensing_null_rank, noise_w=sysp.noise_w, beta0=reference_gain(sysp),
                 alpha=sysp.pathloss_exponent, d_min=sysp.min_distance_m, samples=sysp.samples,
                 rcs_m2=lay.rcs_m2, wavelength_m=sysp.wavelength_m, window_half=lay.window_m / 2,
                 region_half=side / 2)

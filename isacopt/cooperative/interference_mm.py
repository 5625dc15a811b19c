"""The interference-aware position CRLB (``crlb_interference``, SPEC.md 11): an honest local method.

With interference the pair SINRs are ratios of affine functions of the covariances and tr(J^{-1})
is no longer convex. The iteration is a majorise-minimise scheme: at step n the interference
levels I_bar of the previous design are frozen in the FIM (sigma^2 + I_bar) *and* imposed as
constraints I(R) <= I_bar. Every feasible R of step n then has a true CRLB no worse than the SDP's
value, and the previous design is feasible with equal value, so the true objective never increases.
Step 0 is the noise-limited SDP: since SINR <= SNR for every design, its optimum is a lower bound
on the interference-aware optimum, and it is reported as the bound (the gap says how far the local
answer can be from the global one). The status is ``local_optimum``.
"""

from __future__ import annotations

import numpy as np

from ..metrics.position_crlb import receiver_noise
from .finish import design_from, finish

REL_TOL = 1e-4  # stop when an iteration improves the true objective by less than this (relative)


def interference_iteration(opts, data, assoc, compiled, chain, time_limit_s, t0, recompiled):
    """The iteration on the compiled cvxpy SDP (its interference levels are Parameters)."""
    term = compiled.terms["crlb"]
    keys = list(term.inter)
    records: list = []
    term.set_levels(data, {k: np.inf for k in keys})
    outcome = opts.run_chain(compiled, chain, time_limit_s, records)
    if outcome != "solved":
        return opts.failed(outcome, data, compiled, records, t0, recompiled)
    bound = compiled.bound_si()  # the noise-limited optimum

    def step(levels: dict):
        term.set_levels(data, levels)
        if opts.run_chain(compiled, chain, time_limit_s, records) != "solved":
            return None
        return design_from(opts, data, assoc, compiled, bound)

    best, note = iterate(opts, data, keys, design_from(opts, data, assoc, compiled, bound), bound, step)
    return finish(opts, data, assoc, compiled, records, t0, recompiled, bound=bound, local=True, note=note,
                  certified=best)


def interference_keys(assoc) -> list[tuple[int, int]]:
    """(target t, receiver j) for every receiver of every target's cluster: where a level is frozen."""
    return [(t, j) for t, cluster in enumerate(assoc.sensing) for j in cluster]


def iterate(opts, data, keys, first, bound: float, step):
    """The majorise-minimise loop from the noise-limited design ``first`` (design, certificate, evaluation,
    objective): ``step(levels)`` solves with the levels of the previous design frozen and returns the same
    tuple, or None when its solve fails (the best design so far is kept). (best, note)."""
    best = current = first
    history = [first[3]]
    steps = 1
    for _ in range(opts.interference_iterations - 1):
        noise = receiver_noise(data.channels, current[0], opts.sensing_waveform, True) - data.channels.noise_w
        found = step({(t, j): max(float(noise[j, t]), 0.0) for t, j in keys})
        if found is None:
            break  # keep the best design so far
        steps += 1
        current = found
        history.append(current[3])
        if _preferred(opts, current, best):
            best = current
        if abs(history[-2] - history[-1]) <= REL_TOL * abs(history[-1]):
            break
    note = (f"interference iteration (majorise-minimise, SINRs held at the previous design's interference): "
            f"{steps} SDPs, true objective {history[0]:.6g} -> {best[3]:.6g}; bound: the noise-limited optimum "
            f"{bound:.6g}")
    return best, note


def _preferred(opts, a, b) -> bool:
    """A certified design beats an uncertified one; then the better objective."""
    if a[1].holds != b[1].holds:
        return a[1].holds
    return opts.objective_class.better(a[3], b[3])

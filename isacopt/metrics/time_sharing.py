"""Time sharing between a communication corner and a sensing corner (the reference line of every
rate / CRLB trade-off): a fraction tau of the time at the communication design, the rest at the sensing
design. The mean rate is tau R_c + (1 - tau) R_s; only the sensing slots estimate, so the CRLB is divided by
(1 - tau) and the root CRLB by sqrt(1 - tau)."""

from __future__ import annotations

import numpy as np


def time_sharing_root_crlb(rate, comm_rate, sensing_rate, sensing_root_crlb):
    """Root CRLB of time sharing at mean ``rate`` (inf at or beyond the communication corner); numpy arrays
    broadcast (one value per bootstrap draw, say)."""
    rate, rc, rs, crlb = (np.asarray(v, dtype=float) for v in (rate, comm_rate, sensing_rate, sensing_root_crlb))
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(rc > rs, (rate - rs) / (rc - rs), 1.0)
    tau = np.clip(tau, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        out = np.where(tau >= 1, np.inf, crlb / np.sqrt(np.maximum(1 - tau, 0.0)))
    return float(out) if out.ndim == 0 else out


__all__ = ["time_sharing_root_crlb"]

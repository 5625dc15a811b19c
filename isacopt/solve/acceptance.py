"""A subspace loop that stops just short of its gap: accepted at the gap it certifies, and saying so."""

from __future__ import annotations

from dataclasses import replace

from .subspace import SETTLED, SubspaceResult

ACCEPT_GAP = 1e-5  # a loop that stops short of its gap but certifies this much is accepted (the Solution says so)
ACCEPT_VIOLATION = 1e-6  # with the relaxed design's rows met to this (solver units; the certificate checks SI)


def accepted(res: SubspaceResult) -> SubspaceResult | None:
    """``res`` as optimal when its loop stopped short of the asked gap (Clarabel's accuracy: seen at 1.1e-6 to
    1e-5 on whole-space solves, refined or not) but certifies ``ACCEPT_GAP`` with its rows met; else None."""
    if res.status in SETTLED or not res.matrices or not (res.gap <= ACCEPT_GAP and res.violation <= ACCEPT_VIOLATION):
        return None
    return replace(res, status="optimal", message=f"accepted at the certified gap {res.gap:.1e}")

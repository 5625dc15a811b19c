"""The exceptions isacopt raises.

Expected outcomes (an infeasible design, a singular Fisher information) are
reported as data, never raised. Exceptions are for misuse: bad input, a
request the model cannot honour, or a solver that failed outright.
"""

from __future__ import annotations


class IsacoptError(Exception):
    """Base class of every exception raised by isacopt."""


class ValidationError(IsacoptError, ValueError):
    """Invalid input. ``problems`` lists every ``(field, message)`` found.

    The message of the exception names each field, the value and the allowed
    range, one per line, so that a user can fix all of them at once.
    """

    def __init__(self, problems: list[tuple[str, str]] | str, *, source: str | None = None):
        if isinstance(problems, str):
            problems = [("", problems)]
        self.problems: list[tuple[str, str]] = list(problems)
        self.source = source
        head = f"invalid input in {source}" if source else "invalid input"
        lines = [f"  {field}: {msg}" if field else f"  {msg}" for field, msg in self.problems]
        super().__init__(head + ":\n" + "\n".join(lines))


class DegreesOfFreedomError(ValidationError):
    """A BS has too few antennas left (after nulls) for the streams asked of it."""


class SolverFailure(IsacoptError):
    """Every solver in the fallback chain failed for a reason other than infeasibility."""


class PlausibilityWarning(UserWarning):
    """A valid value far outside the physical range of the model (a unit slip such as kW for W)."""

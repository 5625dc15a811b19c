"""The load options every problem kind that schedules shares: users served K and targets probed M per BS."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from ._model import ProblemModel


class LoadOptions(ProblemModel):
    """``users_per_bs`` (K) and ``targets_per_bs`` (M) of SPEC.md section 10; ``max_users_per_bs`` is the
    older name of ``users_per_bs`` and still accepted (problem files, sweep grid keys)."""

    FIELD_ALIASES: ClassVar[dict[str, str]] = {"max_users_per_bs": "users_per_bs"}

    users_per_bs: int | None = Field(None, ge=0, le=10_000, description="K: each BS serves at most its K nearest "
                                     "associated users (None: all of them)")
    targets_per_bs: int | None = Field(None, ge=0, le=10_000, description="M: each BS probes at most its M nearest "
                                       "associated targets (None: all of them); unprobed targets count in no ASE")

    @model_validator(mode="before")
    @classmethod
    def _older_names(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for old, new in cls.FIELD_ALIASES.items():
            if old in data:
                if new in data and data[new] != data[old]:
                    raise ValueError(f"{old} is the older name of {new}; give one of them, not both")
                data = {k: v for k, v in data.items() if k != old} | {new: data[old]}
        return data

    @property
    def max_users_per_bs(self) -> int | None:
        """The older name of :attr:`users_per_bs`."""
        return self.users_per_bs

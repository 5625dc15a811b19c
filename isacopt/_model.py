"""A frozen pydantic base whose validation errors become isacopt's own.

Every user-facing model derives from :class:`FrozenModel`: unknown keys are
refused, NaN and infinity are refused, and a failed validation raises
:class:`isacopt.errors.ValidationError` listing *every* problem with its field
path (``users[2].position_m[0]``), the value and what is allowed.
"""

from __future__ import annotations

import copy
import difflib
import typing
from typing import Any, Self

import pydantic
from pydantic import BaseModel, ConfigDict

from .errors import ValidationError


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("function-after", "function-before", "function-wrap") or part in _UNION_TAGS:
            continue
        else:
            path += ("." if path else "") + str(part)
    return path


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _vocabulary(model: Any, seen: set | None = None) -> set[str]:
    """Every field name of ``model`` and of the models nested in its fields (lists, unions followed)."""
    seen = set() if seen is None else seen
    if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    stack = [f.annotation for f in model.model_fields.values()]
    while stack:
        ann = stack.pop()
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            names |= _vocabulary(ann, seen)
        stack += [a for a in typing.get_args(ann) if a is not None]
    return names


def _unknown_key(key: Any, model: Any) -> str:
    close = difflib.get_close_matches(str(key), sorted(_vocabulary(model)), n=2, cutoff=0.6) if model else []
    if close:
        return f"unknown key; did you mean {' or '.join(repr(c) for c in close)}?"
    return "unknown key; remove it or check its spelling against the documented keys"


def convert_errors(err: pydantic.ValidationError, source: str | None = None, model: Any = None) -> ValidationError:
    """Translate pydantic's error into ours: one ``(field, message)`` per problem (``model``: the class
    validated, whose field names are offered for a misspelt key)."""
    problems: list[tuple[str, str]] = []
    for e in err.errors(include_url=False):
        loc = tuple(e.get("loc", ()))
        inner = (e.get("ctx") or {}).get("error")
        if isinstance(inner, ValidationError):  # a nested model's own converted error
            prefix = _field_path(loc)
            problems += [(f"{prefix}.{f}" if f and prefix else f or prefix, m) for f, m in inner.problems]
            continue
        msg = str(e.get("msg", "invalid"))
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        etype = e.get("type", "")
        if etype == "extra_forbidden":
            msg = _unknown_key(loc[-1] if loc else "", model)
        elif etype == "finite_number":
            msg = "must be a finite number (NaN and infinity are not allowed)"
        elif etype == "missing":
            msg = "required field is missing"
        if etype not in ("missing", "extra_forbidden") and "input" in e and not isinstance(e["input"], dict):
            msg += f" (got {_short(e['input'])})"
        problems.append((_field_path(loc), msg))
    # a list whose items failed is also reported "too short": keep only the items' errors
    problems = [(f, m) for f, m in problems
                if not (m.startswith("Tuple should have at least") and any(g.startswith(f + "[") for g, _ in problems))]
    return ValidationError(problems, source=source)


_UNION_TAGS = {"los", "rayleigh", "rician", "explicit", "poisson", "hexagonal", "coordinated_beamforming",
               "cooperative_isac", "cluster_selection"}


class FrozenModel(BaseModel):
    """Immutable, strict-keyed model that raises :class:`ValidationError`."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as err:
            raise convert_errors(err, type(self).__name__, type(self)) from None

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, the changed options are validated like a new model (pydantic's own
        ``model_copy`` trusts them, so an invalid value set that way surfaced only when solving)."""
        if not update:
            return super().model_copy(deep=deep)
        unknown = sorted(set(update) - set(type(self).model_fields))
        if unknown:
            raise ValidationError([(k, _unknown_key(k, type(self))) for k in unknown], source=type(self).__name__)
        data = {name: getattr(self, name) for name in type(self).model_fields}
        copied = type(self)(**{**(copy.deepcopy(data) if deep else data), **update})
        object.__setattr__(copied, "__pydantic_fields_set__", self.model_fields_set | set(update))
        return copied

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:  # type: ignore[override]
        try:
            return super().model_validate(obj, *args, **kwargs)
        except pydantic.ValidationError as err:
            raise convert_errors(err, cls.__name__, cls) from None


class ProblemModel(FrozenModel):
    """A problem description whose private attributes are caches built from its options.

    A copy (``model_copy``, ``copy.copy``, ``copy.deepcopy``) starts with fresh caches: a compiled
    problem holds the options it was built with (an SINR floor, an objective), so sharing it with a
    copy whose options differ would silently solve the original's problem.
    """

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied._fresh_private()
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        cls = type(self)  # pydantic's own deep copy would also copy the caches (compiled solver objects)
        copied = cls.__new__(cls)
        object.__setattr__(copied, "__dict__", copy.deepcopy(self.__dict__, memo))
        object.__setattr__(copied, "__pydantic_extra__", copy.deepcopy(self.__pydantic_extra__, memo))
        object.__setattr__(copied, "__pydantic_fields_set__", copy.copy(self.__pydantic_fields_set__))
        copied._fresh_private()
        return copied

    def __eq__(self, other: object) -> bool:  # the options, not the state of the caches
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = FrozenModel.__hash__

    def _fresh_private(self) -> None:
        fresh = {name: attr.default_factory() if attr.default_factory is not None else copy.deepcopy(attr.default)
                 for name, attr in type(self).__private_attributes__.items()}
        object.__setattr__(self, "__pydantic_private__", fresh)

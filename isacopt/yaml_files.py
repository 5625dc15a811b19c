"""Reading YAML files safely: no code execution, a size limit, a mapping at the top, errors that name the
file, line and column. Used by problem files (io), sweep files (sweep) and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ValidationError

MAX_FILE_BYTES = 10 * 1024 * 1024


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Safely parse a YAML mapping, refusing files that are too large or not a mapping."""
    p = Path(path)
    if not p.is_file():
        raise ValidationError([("file", f"{str(p)!r} does not exist or is not a file")])
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ValidationError([("file", f"{p} is larger than {MAX_FILE_BYTES // 2**20} MiB")])
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ValidationError([("file", f"{p} is not UTF-8 text: {err}")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{p}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(p)
        what = " ".join(str(x) for x in (getattr(err, "context", None), getattr(err, "problem", None)) if x) or str(err)
        raise ValidationError([("file", f"{where}: not valid YAML (file:line:column): {what}")]) from None
    if not isinstance(data, dict):
        raise ValidationError([("file", f"{p} must hold a mapping of keys (name, system, base_stations, ...)")])
    return data

"""The catalogue of problem and sweep files: shipped with the package, extended by a local folder.

A name resolves from any directory and from an installed wheel: first a path as given, then a
``problems/`` folder in the current directory (a user's own additions, which may shadow a packaged
name), then the packaged catalogue (``isacopt.problem_files``, the repository's ``problems/``).
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import Literal

from .errors import ValidationError

Kind = Literal["problem", "sweep", "allocation", "tracking"]
SUBFOLDERS = {"problem": ".", "sweep": "sweeps", "allocation": "allocations", "tracking": "tracking"}
LOCAL = Path("problems")


def packaged_dir() -> Path:
    """The folder of the packaged catalogue (a real folder: the package is never zipped)."""
    return Path(str(resources.files("isacopt.problem_files")))


def folders(kind: Kind) -> list[Path]:
    """Where names of ``kind`` are looked up, in order: ./problems (if any), then the packaged catalogue."""
    sub = SUBFOLDERS[kind]
    out = []
    for base in (LOCAL, packaged_dir()):
        d = (base / sub).resolve()
        if d.is_dir() and d not in out:
            out.append(d)
    return out


def entries(kind: Kind) -> dict[str, Path]:
    """Name -> file of every catalogue entry of ``kind``; a local file shadows a packaged one."""
    found: dict[str, Path] = {}
    for d in folders(kind):
        for f in sorted(d.glob("*.yaml")):
            found.setdefault(f.stem, f)
    return dict(sorted(found.items()))


def find(name_or_path: str, kind: Kind = "problem") -> Path:
    """A path as given, or the name of a catalogue entry (with or without .yaml); else a ValidationError
    that suggests the closest names."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    known = entries(kind)
    stem = name_or_path[:-5] if name_or_path.endswith(".yaml") else name_or_path
    if stem in known:
        return known[stem]
    close = difflib.get_close_matches(Path(stem).name, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    listing = "isacopt list"
    raise ValidationError([("FILE", f"{name_or_path!r} is neither a file nor a {kind} of the catalogue"
                            f"{hint} (see '{listing}')")])

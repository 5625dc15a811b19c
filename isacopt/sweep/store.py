"""The result store of a sweep: one SQLite file, one row per finished snapshot, committed at once.

Why SQLite: it is in the standard library, a committed transaction survives the process being
killed at any instruction (the write-ahead log is replayed on the next open), the primary key on
the task key makes a resumed run unable to store a snapshot twice, and one file is easy to copy,
inspect (``sqlite3 results.sqlite``) and load into pandas. Only the coordinating process writes;
workers return rows to it, so there is never a concurrent writer.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from .spec import SweepFile

FILENAME = "results.sqlite"
FIXED = ("key", "design", "point", "snapshot", "seed", "status", "reason", "certified", "objective", "bound", "wall_s")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    key TEXT PRIMARY KEY, design TEXT NOT NULL, point TEXT NOT NULL, snapshot INTEGER NOT NULL,
    seed INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, certified INTEGER NOT NULL,
    objective REAL, bound REAL, metrics TEXT NOT NULL, wall_s REAL NOT NULL
);
"""


class ResultStore:
    """Open (or create) the store of ``spec`` in ``directory``; refuses a directory of another sweep."""

    def __init__(self, directory: str | Path, spec: SweepFile | None = None, *, quick: bool = False):
        self.directory = Path(directory)
        self.path = self.directory / FILENAME
        if spec is None and not self.path.is_file():
            raise ValidationError([("DIR", f"{str(self.directory)!r} holds no sweep results ({FILENAME} missing); "
                                    "run 'isacopt sweep FILE --out DIR' first")])
        self.directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        if spec is not None:
            self._claim(spec, quick)

    def _claim(self, spec: SweepFile, quick: bool) -> None:
        stored = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        if stored and stored.get("digest") != spec.digest() and _legacy_same(stored, spec):
            with self._db:  # written before the snapshot counts left the digest: re-stamp it
                self._db.execute("UPDATE meta SET value = ? WHERE name = 'digest'", (spec.digest(),))
            stored["digest"] = spec.digest()
        if stored and stored.get("digest") != spec.digest():
            raise ValidationError([("--out", f"{str(self.directory)!r} holds results of another sweep "
                                    f"({stored.get('name')!r}, {'quick' if stored.get('quick') == '1' else 'full'} "
                                    "size, or an edited file): use a new directory or delete this one")])
        if stored:  # same results; keep the newest report, selection settings and snapshot counts
            with self._db:
                self._db.execute("UPDATE meta SET value = ? WHERE name = 'spec'", (spec.model_dump_json(),))
                self._db.execute("UPDATE meta SET value = ? WHERE name = 'quick'", ("1" if quick else "0",))
        else:
            with self._db:
                self._db.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("name", spec.name), ("digest", spec.digest()), ("quick", "1" if quick else "0"),
                    ("spec", spec.model_dump_json())])

    # -- reading --------------------------------------------------------------------------
    def spec(self) -> SweepFile:
        """The sweep description stored with the results (ValidationError if there is none)."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'spec'").fetchone()
        if row is None:
            raise ValidationError([("DIR", f"{self.path} has no sweep description (not written by isacopt sweep)")])
        return SweepFile.model_validate_json(row[0])

    def quick(self) -> bool:
        """True when the stored results are of the sweep's quick size (``isacopt sweep --quick``)."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'quick'").fetchone()
        return row is not None and row[0] == "1"

    def plan(self) -> dict[str, int]:
        """Per ``design|point``, the snapshot count a sweep with a ``precision`` block last planned (empty
        without one: every point then has its design's count)."""
        row = self._db.execute("SELECT value FROM meta WHERE name = 'plan'").fetchone()
        return {} if row is None else {k: int(v) for k, v in json.loads(row[0]).items()}

    def set_plan(self, plan: dict[str, int]) -> None:
        """Record the planned counts (before the round that runs them: an interrupted round reads as incomplete)."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('plan', ?)", (json.dumps(plan, sort_keys=True),))

    def done_keys(self) -> set[str]:
        """Task keys already stored (a resumed sweep skips them)."""
        return {k for (k,) in self._db.execute("SELECT key FROM rows")}

    def count(self) -> int:
        """Number of stored snapshot rows."""
        return int(self._db.execute("SELECT COUNT(*) FROM rows").fetchone()[0])

    def rows(self) -> list[dict[str, Any]]:
        """Every stored row, sorted by key, with its metrics flattened into the dict."""
        out = []
        for values in self._db.execute(f"SELECT {', '.join(FIXED)}, metrics FROM rows ORDER BY key"):
            row = dict(zip(FIXED, values[:-1]))
            row["certified"] = bool(row["certified"])
            row.update(json.loads(values[-1]))
            out.append(row)
        return out

    def dataframe(self):
        """The rows as a pandas DataFrame, one column per grid key (``point`` decoded)."""
        import pandas as pd

        rows = self.rows()
        for row in rows:
            row.update(json.loads(row["point"]))
        return pd.DataFrame(rows)

    # -- writing --------------------------------------------------------------------------
    def add(self, row: dict[str, Any]) -> bool:
        """Store one finished snapshot (committed before returning); False if it was already there."""
        metrics = {k: v for k, v in row.items() if k not in FIXED}
        with self._db:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row["key"], row["design"], row["point"], row["snapshot"], row["seed"], row["status"], row["reason"],
                 int(row["certified"]), row["objective"], row["bound"], json.dumps(metrics, sort_keys=True),
                 row["wall_s"]))
        return cur.rowcount == 1

    def close(self) -> None:
        """Close the database (also done by ``with ResultStore(...)``)."""
        self._db.close()

    def __enter__(self) -> "ResultStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _legacy_same(stored: dict[str, str], spec: SweepFile) -> bool:
    """True when the store was stamped with the old digest (snapshot counts hashed too) of a sweep whose
    rows are those of ``spec`` (the same sweep, perhaps with other snapshot counts)."""
    try:
        old = SweepFile.model_validate_json(stored["spec"])
    except (KeyError, ValueError):
        return False
    return stored.get("digest") == old.legacy_digest() and old.digest() == spec.digest()

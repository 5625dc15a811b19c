"""Carry a long sweep's expensive rows from one machine (or session) to the next.

    python tools/carry_store.py pack DIR FILE.sqlite.gz --designs max-min-sensing-sinr,max-min-sinr
    python tools/carry_store.py unpack FILE.sqlite.gz DIR

``pack`` copies the store of DIR keeping only the rows of ``--designs`` (the cheap designs, closed forms
at milliseconds a row, are recomputed on resume in minutes), compacts and gzips it. ``unpack`` restores
it as DIR/results.sqlite; running the same ``isacopt sweep FILE --out DIR`` then resumes: the stored rows
are skipped, the rest are solved. The store keeps the sweep's digest, so a changed sweep file is refused
as usual.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

STORE = "results.sqlite"


def pack(directory: Path, target: Path, designs: list[str]) -> None:
    source = directory / STORE
    if not source.exists():
        sys.exit(f"no store at {source}")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / STORE
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)  # consistent even while a sweep writes
        with closing(sqlite3.connect(copy)) as con:  # closed: nothing left in a write-ahead log
            con.execute("PRAGMA journal_mode=DELETE")
            marks = ",".join("?" * len(designs))
            con.execute(f"DELETE FROM rows WHERE design NOT IN ({marks})", designs)
            con.commit()
            kept = con.execute("SELECT design, COUNT(*) FROM rows GROUP BY design").fetchall()
            con.execute("VACUUM")
        with open(copy, "rb") as f, gzip.open(target, "wb", compresslevel=9) as g:
            shutil.copyfileobj(f, g)
    print(f"{target}: {dict(kept)} ({target.stat().st_size / 1e6:.1f} MB)")


def unpack(source: Path, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / STORE
    if target.exists():
        sys.exit(f"{target} exists: unpack into an empty directory")
    with gzip.open(source, "rb") as g, open(target, "wb") as f:
        shutil.copyfileobj(g, f)
    with closing(sqlite3.connect(target)) as con:
        kept = con.execute("SELECT design, COUNT(*) FROM rows GROUP BY design").fetchall()
    print(f"{target}: {dict(kept)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pack")
    p.add_argument("directory", type=Path)
    p.add_argument("target", type=Path)
    p.add_argument("--designs", required=True, help="comma-separated designs whose rows are kept")
    u = sub.add_parser("unpack")
    u.add_argument("source", type=Path)
    u.add_argument("directory", type=Path)
    args = ap.parse_args()
    if args.command == "pack":
        pack(args.directory, args.target, args.designs.split(","))
    else:
        unpack(args.source, args.directory)


if __name__ == "__main__":
    main()

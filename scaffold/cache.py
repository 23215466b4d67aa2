"""A small on-disk cache for what is slow to rebuild and rarely changes: the loaded policy
files. A pre-commit run should not re-read and re-validate a hundred YAML files each commit.

Entries are keyed by scaffold's version and the path, size and modification time of every
input file, so an edited, added or removed file is a miss. `SCAFFOLD_NO_CACHE=1` turns it off;
`SCAFFOLD_CACHE_DIR` moves it (default: `$XDG_CACHE_HOME/scaffold` or `~/.cache/scaffold`).
Any problem with the cache (read-only home, a corrupt entry) just means a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get("SCAFFOLD_NO_CACHE"):
        return None
    if os.environ.get("SCAFFOLD_CACHE_DIR"):
        return Path(os.environ["SCAFFOLD_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scaffold"


def files_key(kind: str, version: str, files: Iterable[Path]) -> str:
    digest = hashlib.sha256(f"{kind}\0{version}".encode())
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return f"{kind}-{digest.hexdigest()[:32]}"


def cached(key: str, build: Callable[[], T]) -> T:
    """`build()`'s value, from the cache when `key` is there. Exceptions from `build` pass."""
    folder = cache_dir()
    entry = folder / f"{key}.pickle" if folder else None
    if entry is not None:
        try:
            with entry.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # a miss: absent, unreadable, or written by another version
            pass
    value = build()
    if entry is not None:
        _store(entry, value)
    return value


_STALE_SECONDS = 7 * 24 * 3600


def _prune(folder: Path, kind: str) -> None:
    """Entries of the same kind untouched for a week: each edit of a policy file makes a new
    key, and the old entries would otherwise pile up."""
    import time

    for old in folder.glob(f"{kind}-*.pickle"):
        try:
            if time.time() - old.stat().st_mtime > _STALE_SECONDS:
                old.unlink()
        except OSError:
            pass


def _store(entry: Path, value: object) -> None:
    import tempfile  # only on a miss

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        _prune(entry.parent, entry.name.split("-", 1)[0])
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, entry)  # atomic: a concurrent run never reads half a file
    except (OSError, pickle.PicklingError, TypeError):
        pass

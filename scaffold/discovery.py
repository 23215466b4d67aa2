"""Walk the paths to check: honour `.gitignore` and configured excludes, never leave the root.

Files named explicitly are checked even when git ignores them (pre-commit passes only tracked
files anyway), but configured excludes always apply, as in ruff's `force-exclude`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import UsageError
from scaffold.models import Skipped
from scaffold.sources import SourceFile

_NEVER_WALKED = {".git", ".hg", ".svn", ".scaffold-cache", "__pycache__", ".tox", ".venv",
                 "node_modules"}


def _spec(lines: list[str]) -> Any:
    import pathspec  # only when there is something to match: it costs ~60 ms to import

    return pathspec.GitIgnoreSpec.from_lines(lines)


@dataclass
class _Ignores:
    """The .gitignore files in force in one directory, outermost first."""

    specs: list[tuple[Path, Any]] = field(default_factory=list)

    def entered(self, directory: Path) -> _Ignores:
        gitignore = directory / ".gitignore"
        if not gitignore.is_file():
            return self
        try:
            lines = gitignore.read_text("utf-8", errors="replace").splitlines()
        except OSError:
            return self
        return _Ignores([*self.specs, (directory, _spec(lines))])

    def ignored(self, path: Path, is_dir: bool) -> bool:
        verdict = False
        for base, spec in self.specs:
            relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
            include = spec.check_file(relative).include
            if include is not None:  # deeper files override shallower ones, as in git
                verdict = include
        return verdict


@dataclass
class Walk:
    files: list[SourceFile]
    skipped: list[Skipped]


class Walker:
    def __init__(self, root: Path, exclude: tuple[str, ...] = ()):
        self.root = root.resolve()
        self.exclude = _spec(list(exclude)) if exclude else None
        self.files: dict[str, SourceFile] = {}
        self.skipped: list[Skipped] = []

    def relative(self, path: Path) -> str:
        """Posix path relative to the root; absolute when the file lies outside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _excluded(self, path: Path, is_dir: bool) -> bool:
        if self.exclude is None:
            return False
        relative = self.relative(path)
        return self.exclude.match_file(relative + ("/" if is_dir else ""))

    def _leaves(self, path: Path, boundary: Path) -> bool:
        """True when a symlink resolves outside `boundary` (or nowhere)."""
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return True
        return not target.is_relative_to(boundary)

    def add_file(self, path: Path, boundary: Path) -> None:
        relative = self.relative(path)
        if path.is_symlink() and self._leaves(path, boundary):
            self.skipped.append(Skipped(relative, "symlink pointing outside the root"))
        elif not self._excluded(path, is_dir=False):
            self.files.setdefault(relative, SourceFile(path, relative))

    def walk(self, top: Path) -> None:
        boundary = top.resolve()
        ignores = _Ignores()
        for ancestor in reversed([top, *top.parents]):
            if ancestor != top and ancestor.is_relative_to(self.root):
                ignores = ignores.entered(ancestor)
        self._walk_dir(top, ignores.entered(top), boundary)

    def _walk_dir(self, directory: Path, ignores: _Ignores, boundary: Path) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            self.skipped.append(Skipped(self.relative(directory),
                                        f"cannot list directory: {error.strerror}"))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if entry.name in _NEVER_WALKED or ignores.ignored(path, True) \
                        or self._excluded(path, True):
                    continue
                self._walk_dir(path, ignores.entered(path), boundary)
            elif entry.is_symlink():
                if Path(entry.path).is_dir():
                    self.skipped.append(Skipped(self.relative(path),
                                                "symlinked directory, not followed"))
                elif not ignores.ignored(path, False):
                    self.add_file(path, boundary)
            elif entry.is_file(follow_symlinks=False) and not ignores.ignored(path, False):
                self.add_file(path, boundary)


def discover(paths: list[Path], root: Path, exclude: tuple[str, ...] = ()) -> Walk:
    """The files to check under `paths`, sorted by their path relative to `root`."""
    walker = Walker(root, exclude)
    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir() and not path.is_symlink():
            walker.walk(path)
        elif path.exists() or path.is_symlink():
            boundary = walker.root if path.is_relative_to(walker.root) else path.parent
            walker.add_file(path, boundary.resolve())
        else:
            raise UsageError(f"{given}: no such file or directory")
    files = [walker.files[name] for name in sorted(walker.files)]
    skipped = sorted(set(walker.skipped), key=lambda s: s.path)
    return Walk(files, skipped)


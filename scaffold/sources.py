"""A file found by the walk, read and parsed at most once however many plugins look at it."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from scaffold.errors import ParseError

_BINARY_SNIFF = 8192


class SourceFile:
    """A file under the scan root. Reading is lazy: a plugin that only looks at the name
    costs nothing, and the text and YAML parse are shared by every plugin that asks."""

    def __init__(self, abspath: Path, relpath: str, kind: str | None = None):
        self.abspath = abspath
        self.path = relpath  # posix, relative to the scan root: what reports show
        self.name = abspath.name
        # What another file says this one is (compose's `build.dockerfile: ci/app.build`),
        # for files whose name does not tell.
        self.kind = kind
        self.references: list[tuple[Path, str]] = []
        # Work a plugin started for this file in `scaffold_prepare`, by plugin.
        self.prepared: dict[str, object] = {}
        self._yaml: list | ParseError | None = None

    def refer(self, path: str | Path, kind: str) -> None:
        """Note that this file names another one of a kind (relative paths are relative to
        this file's folder): the engine checks it too, even when its name does not tell."""
        self.references.append((self.abspath.parent / path, kind))

    def __repr__(self) -> str:
        return f"SourceFile({self.path!r})"

    @cached_property
    def raw(self) -> bytes:
        try:
            return self.abspath.read_bytes()
        except OSError as error:
            raise ParseError(f"cannot read file: {error.strerror or error}") from None

    @cached_property
    def text(self) -> str:
        """The file as text with `\\n` line ends. Raises ParseError for binary or non-UTF-8."""
        raw = self.raw
        if b"\0" in raw[:_BINARY_SNIFF]:
            raise ParseError("binary file: expected text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise ParseError(f"not valid UTF-8 (byte {error.start})", line) from None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def head(self, size: int = 128) -> bytes:
        """The first bytes, for sniffing (a shebang) without reading a large file whole."""
        if "raw" in self.__dict__:
            return self.raw[:size]
        try:
            with self.abspath.open("rb") as handle:
                return handle.read(size)
        except OSError:
            return b""

    def release(self) -> None:
        """Forget the text and parse: a scan keeps thousands of files, not their contents."""
        for name in ("raw", "text", "lines"):
            self.__dict__.pop(name, None)
        self._yaml = None

    def yaml(self) -> list:
        """The file's YAML documents (`scaffold.yamlfile.YamlDocument`), parsed once."""
        if self._yaml is None:
            from scaffold.yamlfile import load_documents

            try:
                self._yaml = load_documents(self.text)
            except ParseError as error:
                self._yaml = error
        if isinstance(self._yaml, ParseError):
            raise self._yaml
        return self._yaml

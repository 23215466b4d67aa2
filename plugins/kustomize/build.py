"""Build one kustomization and map what it produces back to the files it came from.

The folder is built through a throw-away kustomization that includes it and turns on
`buildMetadata: [originAnnotations]`: the user's files are never touched, and every object
comes out annotated with the file it was read from. Its fields are then looked up in that
file's own parse (`OriginLines`), so a finding on an overlay's object lands on the line of
the base that wrote the field.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from scaffold import LineIndex
from scaffold.errors import ParseError
from scaffold.yamlfile import load_documents
from scaffold_plugins.kubernetes.documents import documents as object_documents
from scaffold_plugins.kubernetes.documents import objects

ORIGIN = "config.kubernetes.io/origin"
TIMEOUT = 60  # seconds; a build with remote bases may hang on the network
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Build(NamedTuple):
    builder: str | None  # "kustomize", "kubectl", or None when neither is installed
    documents: tuple = ()
    error: str | None = None
    error_line: int | None = None
    tree: str = ""  # cross-resource checks: each build is a tree of its own


class Origin(NamedTuple):
    """What a built object's documents carry in `parsed`."""

    tree: str
    kustomization: str


def _command() -> tuple[str, list[str]] | None:
    if shutil.which("kustomize"):
        return "kustomize", [shutil.which("kustomize"), "build"]
    if shutil.which("kubectl"):
        return "kubectl", [shutil.which("kubectl"), "kustomize"]
    return None


def _root(source: Any) -> Path:
    return source.abspath.parents[len(Path(source.path).parts) - 1]


def _is_component(source: Any) -> bool:
    documents = source.yaml()
    return bool(documents) and isinstance(documents[0].data, dict) and \
        documents[0].data.get("kind") == "Component"


def build(source: Any) -> Build:
    tree = f"kustomize:{source.path}"
    command = _command()
    if command is None:
        return Build(None, tree=tree)
    builder, argv = command
    with tempfile.TemporaryDirectory(prefix="scaffold-kustomize-") as wrapper:
        folder = os.path.relpath(source.abspath.parent, wrapper)
        # A Component is not buildable alone: it is included as one, into an empty base.
        field = "components" if _is_component(source) else "resources"
        Path(wrapper, "kustomization.yaml").write_text(
            f"{field}: [{folder!r}]\nbuildMetadata: [originAnnotations]\n", "utf-8")
        try:
            result = subprocess.run([*argv, wrapper], capture_output=True, text=True,
                                    timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return Build(builder, error=f"{builder} build took longer than {TIMEOUT} s",
                         tree=tree)
        if result.returncode != 0:
            return _failed(builder, argv, source, tree)
        mapper = _Mapper(source, Path(wrapper), tree)
        found = tuple(document for obj in _objects(result.stdout)
                      for document in mapper.documents(obj))
    return Build(builder, found, tree=tree)


def _failed(builder: str, argv: list[str], source: Any, tree: str) -> Build:
    """The error of building the folder itself (not through the wrapper): its paths are the
    user's own, relative to the scan root, and the line of the entry it names."""
    try:
        result = subprocess.run([*argv, str(source.abspath.parent)], capture_output=True,
                                text=True, timeout=TIMEOUT)
        text = " ".join(result.stderr.split())
    except subprocess.TimeoutExpired:
        text = ""
    root = str(_root(source)) + os.sep
    text = text.replace(root, "").removeprefix("Error: ").removeprefix("error: ")
    return Build(builder, error=f"{builder} build failed: {text[:400] or 'no reason given'}",
                 error_line=_line_named(source, text), tree=tree)


def _line_named(source: Any, message: str) -> int:
    """The kustomization's line whose entry (`- base`, `path: patch.yaml`) the error names."""
    for number, line in enumerate(source.lines, 1):
        entry = line.strip().removeprefix("- ").removeprefix("path:").strip().strip("'\"")
        if entry and not entry.endswith(":") and f"'{entry}'" in message:
            return number
    return 1


def _objects(text: str) -> list[dict]:
    return [obj for data in yaml.load_all(text, Loader=_Loader) for obj in objects(data)]


class _Mapper:
    """Turns built objects into documents at the file and lines they came from."""

    def __init__(self, source: Any, wrapper: Path, tree: str):
        self.source = source
        self.root = _root(source)
        self.wrapper = wrapper
        self.tree = tree
        self._files: dict[Path, list] = {}

    def documents(self, obj: dict) -> list:
        origin = _pop_origin(obj)
        parsed = Origin(self.tree, self.source.path)
        located = self._locate(origin, obj) if origin else None
        if located is None:  # generated, or from outside the scan root
            return list(object_documents(obj, self.source.path, LineIndex(), 1, parsed))
        path, lines, start = located
        return list(object_documents(obj, path, lines, start, parsed))

    def _locate(self, origin: dict, obj: dict) -> tuple[str, Any, int] | None:
        written = origin.get("path") if isinstance(origin, dict) else None
        if not isinstance(written, str):
            return None
        file = Path(os.path.normpath(self.wrapper / written))
        try:
            relative = file.relative_to(self.root).as_posix()
        except ValueError:
            return None
        for document in self._parse(file):
            for candidate in objects(document.data):
                if _same_object(candidate, obj):
                    return relative, OriginLines(obj, candidate, document.lines), \
                        document.lines.locate(candidate, ("kind",)) or document.line
        return None

    def _parse(self, file: Path) -> list:
        if file not in self._files:
            try:
                self._files[file] = load_documents(file.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, ParseError):
                self._files[file] = []
        return self._files[file]


def _pop_origin(obj: dict) -> dict | None:
    annotations = (obj.get("metadata") or {}).get("annotations")
    if not isinstance(annotations, dict) or ORIGIN not in annotations:
        return None
    origin = annotations.pop(ORIGIN)
    if not annotations:
        del obj["metadata"]["annotations"]
    try:
        return yaml.load(origin, Loader=_Loader)
    except yaml.YAMLError:
        return None


def _same_object(written: dict, built: dict) -> bool:
    """The written object an output object came from: same kind, and the built name is the
    written one with any prefix or suffix an overlay added."""
    if written.get("kind") != built.get("kind"):
        return False
    name = str((written.get("metadata") or {}).get("name", ""))
    return bool(name) and name in str((built.get("metadata") or {}).get("name", ""))


class OriginLines(LineIndex):
    """Lines for a built object, read from the object it was built from.

    Each container of the built object is paired with the written one at the same place
    (list items by `name` when they have one: patches may add or reorder containers); a field
    the build added has no line of its own and takes its nearest written ancestor's.
    """

    __slots__ = ("_written", "_lines", "_built")

    def __init__(self, built: Any, written: Any, lines: Any):
        super().__init__()
        self._written: dict[int, Any] = {}
        self._lines = lines
        self._built = built  # keeps the ids in `_written` alive
        self._pair(built, written)

    def _pair(self, built: Any, written: Any) -> None:
        if isinstance(built, dict) and isinstance(written, dict):
            self._written[id(built)] = written
            for key, value in built.items():
                if key in written:
                    self._pair(value, written[key])
        elif isinstance(built, list) and isinstance(written, list):
            self._written[id(built)] = written
            by_name = {item.get("name"): item for item in written
                       if isinstance(item, dict) and "name" in item}
            for index, item in enumerate(built):
                if isinstance(item, dict) and "name" in item:
                    if item["name"] in by_name:
                        self._pair(item, by_name[item["name"]])
                elif index < len(written):
                    self._pair(item, written[index])

    def _line(self, container: Any, key: Any) -> int | None:
        """The line of `key` of a built container: that of its written counterpart's key."""
        written = self._written.get(id(container))
        if written is None:
            return None
        key = self._written_key(container, written, key)
        return None if key is None else self._lines.locate(written, (key,))

    @staticmethod
    def _written_key(node: Any, written: Any, key: Any) -> Any:
        """A list index in the built object, as the index of the paired written item (None
        for an item the build added)."""
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            item = node[key]
            if isinstance(item, dict) and "name" in item:
                for index, candidate in enumerate(written):
                    if isinstance(candidate, dict) and candidate.get("name") == item["name"]:
                        return index
                return None
        return key

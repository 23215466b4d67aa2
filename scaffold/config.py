"""Find, read and validate the project's configuration.

Sources, first found wins, searching upward from the first path checked: `.scaffold.yaml`,
`.scaffold.yml`, then a `pyproject.toml` that has a `[tool.scaffold]` table. Every key is
validated against `scaffold/schemas/config.schema.json`; errors name the key (and the line,
for YAML).
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from scaffold.errors import ConfigError, ParseError
from scaffold.models import LineIndex
from scaffold.schemacheck import field_name, schema_errors
from scaffold.yamlfile import load_documents

YAML_NAMES = (".scaffold.yaml", ".scaffold.yml")
FAIL_ON = ("error", "warning", "info", "never")


class Exemption(NamedTuple):
    """A configured exemption. All given selectors must match; codes default to all."""

    reason: str
    index: int  # position in the config's list, for messages
    line: int | None
    codes: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    container: str | None = None
    expires: datetime.date | None = None


# Top-level keys that set the param of the same name on every policy that takes it.
SHARED_PARAMS = ("kubernetes-version",)


class Config(NamedTuple):
    root: Path  # where relative paths in the config, reports and baselines start
    source: str | None = None  # the config file, for messages; None when there is none
    file: Path | None = None  # the config file itself
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = {}  # shared default: never mutated
    params: Mapping[str, Mapping[str, Any]] = {}  # shared default: never mutated
    # Params shared by every policy whose check takes them (`kubernetes-version`).
    settings: Mapping[str, Any] = {}  # shared default: never mutated
    exclude: tuple[str, ...] = ()
    policy_paths: tuple[Path, ...] = ()
    profile: str | None = None
    disable_plugins: tuple[str, ...] = ()
    fail_on: str = "error"
    min_score: int | None = None
    inline_ignores: bool = True
    baseline: Path | None = None
    exemptions: tuple[Exemption, ...] = ()


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above `start`."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in YAML_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return b"[tool.scaffold" in pyproject.read_bytes()
    except OSError:
        return False


def _read_yaml(path: Path) -> tuple[Any, LineIndex | None, int]:
    try:
        documents = load_documents(path.read_text("utf-8"))
    except ParseError as error:
        raise ConfigError(error.message, path=str(path), line=error.line) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config: {error}", path=str(path)) from None
    if not documents or documents[0].data is None:
        return {}, None, 1
    if len(documents) > 1:
        raise ConfigError("the config holds one YAML document", path=str(path),
                          line=documents[1].line)
    return documents[0].data, documents[0].lines, documents[0].line


def _read_toml(path: Path) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", path=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read config: {error.strerror}", path=str(path)) from None
    data = table.get("tool", {}).get("scaffold", {})
    return _dates_to_text(data)


def _dates_to_text(value: Any) -> Any:
    """TOML has a date type; the schema (like YAML here) takes dates as `YYYY-MM-DD` text."""
    if isinstance(value, dict):
        return {k: _dates_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load_config(path: Path | None, root: Path) -> Config:
    """The validated config at `path`, or the defaults (rooted at `root`) when it is None."""
    if path is None:
        return Config(root=root)
    is_toml = path.name == "pyproject.toml"
    lines, first_line = None, 1
    if is_toml:
        data = _read_toml(path)
    else:
        data, lines, first_line = _read_yaml(path)
    label = f"{path} [tool.scaffold]" if is_toml else str(path)
    if not isinstance(data, dict):
        raise ConfigError("the config must be a mapping of keys to values", path=label,
                          line=first_line)
    errors = schema_errors("config.schema.json", data, lines, {
        "anyOf": "an exemption needs at least one of paths, kind, name, namespace or container",
    })
    if errors:
        line, message = errors[0]
        raise ConfigError(message, path=label, line=line or (first_line if lines else None))
    return _build(data, path, lines, label)


def _date(text: str, where: str, label: str, line: int | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{where}: {text!r} is not a real date", path=label, line=line) from None


# Params naming files or folders: relative entries are resolved against the config's folder,
# like every other path in it (a project can ship its schemas next to its config).
PATH_PARAMS = ("schema-locations",)


def _rooted_params(params: Mapping[str, Mapping[str, Any]], base: Path) -> dict:
    rooted = {}
    for code, values in params.items():
        rooted[code] = dict(values)
        for name in PATH_PARAMS:
            if isinstance(values.get(name), list):
                rooted[code][name] = [str(base / entry) if isinstance(entry, str) else entry
                                      for entry in values[name]]
    return rooted


def _build(data: dict[str, Any], path: Path, lines: LineIndex | None, label: str) -> Config:
    base = path.parent.resolve()
    exemptions = []
    for index, item in enumerate(data.get("exemptions", [])):
        line = lines.locate(data, ["exemptions", index]) if lines else None
        expires = item.get("expires")
        exemptions.append(Exemption(
            reason=item["reason"], index=index, line=line, codes=tuple(item.get("codes", ())),
            paths=tuple(item.get("paths", ())), kind=item.get("kind"), name=item.get("name"),
            namespace=item.get("namespace"), container=item.get("container"),
            expires=_date(expires, field_name(["exemptions", index, "expires"]), label, line)
            if expires else None,
        ))
    baseline = data.get("baseline")
    return Config(
        root=base, source=label, file=path.resolve(),
        select=tuple(data["select"]) if "select" in data else None,
        ignore=tuple(data.get("ignore", ())), severity=data.get("severity", {}),
        params=_rooted_params(data.get("params", {}), base),
        exclude=tuple(data.get("exclude", ())),
        settings={key: data[key] for key in SHARED_PARAMS if key in data},
        policy_paths=tuple(base / p for p in data.get("policy-paths", ())),
        profile=data.get("profile"), disable_plugins=tuple(data.get("disable-plugins", ())),
        fail_on=data.get("fail-on", "error"), min_score=data.get("min-score"),
        inline_ignores=data.get("inline-ignores", True),
        baseline=base / baseline if baseline else None, exemptions=tuple(exemptions),
    )

"""One shape for each field Compose accepts in several: ports, volumes, environment, labels,
security options, capabilities, limits, `depends_on` and `env_file`.

Each function takes the value as written and returns plain data (what schema policies see),
and records in the file's `LineIndex` the line each normalised entry came from, so a finding
on `ports[1].host_ip` lands on the line of the second port as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scaffold import LineIndex
from scaffold_plugins.compose.interpolate import UNKNOWN, Interpolator

ALL_INTERFACES = "0.0.0.0"
_WILDCARD_IPS = {"", "0.0.0.0", "::", "[::]"}
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_PROPAGATION = {"shared", "slave", "private", "rshared", "rslave", "rprivate"}
_VOLUME_OPTIONS = {"ro", "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent", "copy",
                   *_PROPAGATION}
_TRUE = {"1", "t", "true", "yes", "on"}  # Go's ParseBool, plus YAML 1.1 words
_UNLIMITED = re.compile(r"^(?:|-1|0+(?:\.0*)?[a-z]*)$")  # 0, 0.0, 0m, -1: no limit at all
_SECURITY_OPTION = re.compile(r"^\s*([^:=\s]+)\s*(?:[:=]\s*(.*))?$")



def _line(lines: LineIndex, container: Any, key: Any) -> int | None:
    return lines.locate(container, (key,))


def _items(value: Any) -> Iterator[tuple[Any, Any]]:
    """(index, item) of a list, (key, value) of a mapping."""
    if isinstance(value, list):
        yield from enumerate(value)
    elif isinstance(value, dict):
        yield from value.items()


def _mark(lines: LineIndex, item: dict, line: int | None) -> dict:
    if line is not None:
        lines.mark_all(item, dict.fromkeys(item, line))
    return item


def _listed(lines: LineIndex, entries: list[tuple[dict, int | None]]) -> list[dict]:
    """The entries as a list whose indexes, and each entry's keys, have the entry's line."""
    found = [_mark(lines, entry, line) for entry, line in entries]
    lines.mark_all(found, {i: line for i, (_, line) in enumerate(entries)})
    return found


def is_true(value: Any) -> bool:
    return value is True or isinstance(value, str) and value.strip().lower() in _TRUE


# -- ports ------------------------------------------------------------------------------------


def _range(text: str) -> list[int] | None:
    match = _RANGE.match(text.strip())
    if not match:
        return None
    low = int(match.group(1))
    return [low, int(match.group(2) or low)]


def _host_ip(text: str) -> str | None:
    text = text.strip()
    if UNKNOWN in text:
        return None
    return ALL_INTERFACES if text in _WILDCARD_IPS else text.strip("[]")


def _short_port(text: str) -> dict:
    """`[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`."""
    spec, _, protocol = text.partition("/")
    host_ip, published, target = "", "", spec
    if spec.startswith("["):  # `[::1]:8080:80`
        closing = spec.find("]")
        host_ip, rest = spec[1:closing], spec[closing + 2:]
        published, _, target = rest.rpartition(":")
    elif spec.count(":") >= 2:
        rest, _, target = spec.rpartition(":")
        host_ip, _, published = rest.rpartition(":")
    elif ":" in spec:
        published, _, target = spec.partition(":")
    return {"host_ip": _host_ip(host_ip), "published": _range(published),
            "random": published.strip() == "", "target": _range(target),
            "protocol": (protocol or "tcp").lower(), "text": text}


def _long_port(item: dict, resolve: Interpolator) -> dict:
    published = resolve.resolve(str(item.get("published", "")))
    target = resolve.resolve(str(item.get("target", "")))
    return {"host_ip": _host_ip(resolve.resolve(str(item.get("host_ip", "")))),
            "published": _range(published), "random": published.strip() == "",
            "target": _range(target), "protocol": str(item.get("protocol", "tcp")).lower(),
            "text": f"{item.get('host_ip', '')}:{published}:{target}".lstrip(":")}


def ports(value: Any, lines: LineIndex, resolve: Interpolator) -> list[dict]:
    found: list[tuple[dict, int | None]] = []
    for index, item in _items(value if isinstance(value, list) else None):
        line = _line(lines, value, index)
        if isinstance(item, dict):
            port = _long_port(item, resolve)
        elif isinstance(item, (int, str)) and not isinstance(item, bool):
            # `22:22` is text: scaffold's YAML loader reads no base-60 numbers (as YAML 1.2).
            port = _short_port(resolve.resolve(str(item)))
        else:
            continue
        found.append((port, line))
    return _listed(lines, found)


# -- volumes ----------------------------------------------------------------------------------


def _split_volume(text: str) -> list[str]:
    """`src:dst:mode` into parts, keeping a Windows drive (`C:\\data`) whole."""
    parts: list[str] = []
    rest = text
    while rest:
        drive = _DRIVE.match(rest)
        start = 2 if drive else 0
        colon = rest.find(":", start)
        if colon < 0:
            parts.append(rest)
            break
        parts.append(rest[:colon])
        rest = rest[colon + 1:]
    return parts


def source_kind(source: str) -> str:
    """`bind` for host paths, `volume` for named volumes, `unknown` for `${VAR}`."""
    if source.startswith(("/", ".", "~", "\\\\")) or _DRIVE.match(source):
        return "bind"
    if UNKNOWN in source:
        return "bind" if "/" in source else "unknown"
    return "volume"


def _short_volume(text: str) -> dict:
    parts = _split_volume(text)
    if len(parts) == 1 or len(parts) == 2 and parts[1] in _VOLUME_OPTIONS \
            and not parts[0].startswith(("/", ".", "~")):
        return {"type": "anonymous", "source": None, "target": parts[0],
                "read_only": len(parts) == 2 and parts[1] == "ro", "propagation": None,
                "text": text}
    source, target = parts[0], parts[1]
    options = set(parts[2].split(",")) if len(parts) > 2 else set()
    propagation = next((o for o in options if o in _PROPAGATION), None)
    return {"type": source_kind(source) if source else "anonymous", "source": source or None,
            "target": target, "read_only": "ro" in options, "propagation": propagation,
            "text": text}


def _long_volume(item: dict, resolve: Interpolator) -> dict:
    kind = str(item.get("type", "volume"))
    source = item.get("source")
    source = resolve.resolve(_home(str(source))) if source not in (None, "") else None
    if kind == "volume" and source is None:
        kind = "anonymous"
    target = resolve.resolve(str(item.get("target", "")))
    bind = item.get("bind") if isinstance(item.get("bind"), dict) else {}
    propagation = bind.get("propagation")
    return {"type": kind, "source": source, "target": target,
            "read_only": is_true(item.get("read_only")),
            "propagation": propagation if isinstance(propagation, str) else None,
            "text": f"{source or ''}:{target}".lstrip(":")}


def _home(text: str) -> str:
    """`$HOME/.ssh` and `${HOME}/.ssh` as `~/.ssh`: the home folder, whatever its path."""
    for prefix in ("${HOME}", "$HOME"):
        if text.startswith(prefix):
            return "~" + text[len(prefix):]
    return text


def mounts(service: dict, lines: LineIndex, resolve: Interpolator) -> list[dict]:
    """`volumes` (short and long syntax) and `tmpfs`, as mounts."""
    found: list[tuple[dict, int | None]] = []
    volumes = service.get("volumes")
    for index, item in _items(volumes if isinstance(volumes, list) else None):
        if isinstance(item, str):
            mount = _short_volume(resolve.resolve(_home(item)))
        elif isinstance(item, dict):
            mount = _long_volume(item, resolve)
        else:
            continue
        found.append((mount, _line(lines, volumes, index)))
    tmpfs = service.get("tmpfs")
    entries = list(enumerate(tmpfs)) if isinstance(tmpfs, list) else \
        [(None, tmpfs)] if isinstance(tmpfs, str) else []
    for index, item in entries:
        if isinstance(item, str):
            line = _line(lines, tmpfs, index) if index is not None else \
                _line(lines, service, "tmpfs")
            mount = {"type": "tmpfs", "source": None, "target": item.split(":", 1)[0],
                     "read_only": False, "propagation": None, "text": item}
            found.append((mount, line))
    return _listed(lines, found)


# -- key/value lists: environment, labels, build args -----------------------------------------


def key_values(value: Any, lines: LineIndex) -> dict[str, Any]:
    """`[KEY=VALUE, KEY]` or `{KEY: VALUE}` as a mapping; a bare `KEY` maps to None."""
    found: dict[str, Any] = {}
    marks: dict[str, int | None] = {}
    if isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, str):
                continue
            key, separator, item_value = item.partition("=")
            found[key.strip()] = item_value if separator else None
            marks[key.strip()] = _line(lines, value, index)
    elif isinstance(value, dict):
        for key, item_value in value.items():
            found[str(key)] = item_value
            marks[str(key)] = _line(lines, value, key)
    lines.mark_all(found, marks)
    return found


# -- security options and capabilities --------------------------------------------------------


def security_options(value: Any, lines: LineIndex) -> dict[str, str]:
    """`no-new-privileges:true`, `seccomp=unconfined`... as {option: value}, lower-case.

    A bare `no-new-privileges` means true. Of several `label` options, `disable` is kept.
    """
    found: dict[str, str] = {}
    marks: dict[str, int | None] = {}
    for index, item in _items(value if isinstance(value, list) else None):
        if isinstance(item, dict):  # `- no-new-privileges: true`, invalid but common
            item = ":".join(f"{k}:{v}" for k, v in item.items())
        if not isinstance(item, str):
            continue
        match = _SECURITY_OPTION.match(item)
        if not match:
            continue
        option, setting = match.group(1).lower(), (match.group(2) or "").strip()
        if option == "no-new-privileges":
            setting = "true" if setting == "" or setting.lower() in _TRUE else "false"
        if option == "label" and found.get("label") == "disable":
            continue
        # A seccomp profile is a file path, whose case matters; `unconfined` is a keyword.
        keep_case = option == "seccomp" and setting.lower() != "unconfined"
        found[option] = setting if keep_case else setting.lower()
        marks[option] = _line(lines, value, index)
    lines.mark_all(found, marks)
    return found


def capability_name(item: str) -> str:
    """`net_admin` and `CAP_NET_ADMIN` are both `NET_ADMIN`."""
    name = item.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def _capability_list(service: dict, key: str, lines: LineIndex) -> list[str]:
    value = service.get(key)
    names, marks = [], {}
    for index, item in _items(value if isinstance(value, list) else None):
        if isinstance(item, str):
            marks[len(names)] = _line(lines, value, index)
            names.append(capability_name(item))
    lines.mark_all(names, marks)
    return names


def capabilities(service: dict, lines: LineIndex) -> dict[str, list[str]]:
    """`cap_add` and `cap_drop` as upper-case names without `CAP_`; a missing `cap_drop` is
    located at `cap_add`, where the fix goes."""
    found = {"add": _capability_list(service, "cap_add", lines),
             "drop": _capability_list(service, "cap_drop", lines)}
    add_line = _line(lines, service, "cap_add")
    lines.mark_all(found, {"add": add_line,
                           "drop": _line(lines, service, "cap_drop") or add_line})
    return found


# -- resource limits --------------------------------------------------------------------------


def _limit_value(value: Any, resolve: Interpolator) -> Any:
    """The limit, or None when absent or unlimited (0 or -1); an unknown variable counts as
    a limit (whoever deploys sets it)."""
    if value is None or isinstance(value, bool):
        return None
    text = resolve.resolve(str(value)).strip().lower()
    return None if _UNLIMITED.match(text) else value


def limits(service: dict, lines: LineIndex, resolve: Interpolator) -> dict[str, Any]:
    """Memory, CPU and PID limits, from the short keys or `deploy.resources.limits`."""
    deploy = service.get("deploy") if isinstance(service.get("deploy"), dict) else {}
    resources = deploy.get("resources") if isinstance(deploy.get("resources"), dict) else {}
    deploy_limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
    sources = {"memory": ((service, "mem_limit"), (deploy_limits, "memory")),
               "cpus": ((service, "cpus"), (service, "cpu_quota"), (deploy_limits, "cpus")),
               "pids": ((service, "pids_limit"), (deploy_limits, "pids"))}
    found: dict[str, Any] = {}
    marks: dict[str, int | None] = {}
    for name, candidates in sources.items():
        for container, key in candidates:
            value = _limit_value(container.get(key), resolve)
            if value is not None:
                found[name], marks[name] = value, _line(lines, container, key)
                break
    lines.mark_all(found, marks)
    return found


# -- dependencies and env files ---------------------------------------------------------------


def depends_on(value: Any, lines: LineIndex) -> dict[str, str | None]:
    """{service: condition}; the list form, and a mapping without one, give None."""
    found: dict[str, str | None] = {}
    marks: dict[str, int | None] = {}
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                found[item], marks[item] = None, _line(lines, value, index)
    elif isinstance(value, dict):
        for name, options in value.items():
            condition = options.get("condition") if isinstance(options, dict) else None
            found[str(name)] = condition if isinstance(condition, str) else None
            marks[str(name)] = _line(lines, value, name)
    lines.mark_all(found, marks)
    return found


def env_files(value: Any, lines: LineIndex, container: dict) -> list[dict]:
    """`env_file: .env`, a list of paths, or `{path, required}` entries."""
    if isinstance(value, str):
        entry = {"path": value, "required": True}
        return _listed(lines, [(entry, _line(lines, container, "env_file"))])
    found: list[tuple[dict, int | None]] = []
    for index, item in _items(value if isinstance(value, list) else None):
        if isinstance(item, str):
            entry = {"path": item, "required": True}
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            required = item.get("required", True)
            entry = {"path": item["path"], "required": required is not False
                     and not (isinstance(required, str) and required.lower() == "false")}
        else:
            continue
        found.append((entry, _line(lines, value, index)))
    return _listed(lines, found)

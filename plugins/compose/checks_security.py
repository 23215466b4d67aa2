"""Security checks on one service: host mounts, capabilities, the user, secrets in the
environment. (What a schema says well — `privileged`, host namespaces, `security_opt` — is in
the policy files.)"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import Any

from scaffold import Document, Violation, redact
from scaffold_plugins.compose.images import matches_any, parse_image
from scaffold_plugins.compose.interpolate import UNKNOWN, Interpolator
from scaffold_plugins.compose.normalize import capability_name, key_values
from scaffold_plugins.compose.parse import Service

ROOT_USERS = {"root", "0"}
# Container engine sockets: DC002 reports them, so the sensitive-path check leaves them out.
ENGINE_SOCKETS = ("docker.sock", "podman.sock", "containerd.sock", "crio.sock",
                  "dockershim.sock", "cri-dockerd.sock")
_NO_VARIABLES = Interpolator({})  # secrets: only what is written in the file counts


def _mount_source(mount: dict) -> str | None:
    """The normalised host path of a bind mount (`~` kept), else None."""
    source = mount.get("source")
    if mount.get("type") != "bind" or not isinstance(source, str) or UNKNOWN in source:
        return None
    if source.startswith("~"):
        return "~" + posixpath.normpath("/" + source[1:].lstrip("/")).rstrip("/")
    if not source.startswith("/"):
        return None  # relative to the project (`./data`): not a host system path
    return "/" + posixpath.normpath(source).lstrip("/")  # `//etc/` is `/etc`


def _is_socket(path: str, sockets: Any) -> bool:
    return posixpath.basename(path) in sockets


def docker_socket(document: Document, params: Mapping) -> Iterator[Violation]:
    for index, mount in enumerate(document.data["mounts"]):
        path = _mount_source(mount)
        if path and _is_socket(path, params["sockets"]):
            access = "read-only (which still allows every API call)" if mount["read_only"] \
                else "read-write"
            yield Violation(f"`{path}` is mounted {access}: the container controls the "
                            "container engine, and through it the host.",
                            path=("mounts", index))


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _is_sensitive(path: str, params: Mapping) -> bool:
    """Inside a sensitive path (`/proc/1` in `/proc`), or a folder holding one (`/var` holds
    `/var/run`, `~` holds `~/.ssh`); `exact_paths` (`/`, `/etc`) count only themselves and the
    folders holding them: `/etc/myapp` is an application's own folder."""
    below = params["paths"]
    exact = params.get("exact_paths", ())
    return any(_under(path, top) or _under(top, path) for top in below) \
        or any(path == top or _under(top, path) for top in exact)


def sensitive_host_path(document: Document, params: Mapping) -> Iterator[Violation]:
    for index, mount in enumerate(document.data["mounts"]):
        path = _mount_source(mount)
        if not path or _is_socket(path, ENGINE_SOCKETS):
            continue
        if mount["read_only"] and any(_under(path, a) for a in params["allowed_read_only"]):
            continue
        if _is_sensitive(path, params):
            access = "read-only" if mount["read_only"] else "read-write"
            yield Violation(f"The host path `{path}` is mounted {access} at "
                            f"`{mount['target']}`.", path=("mounts", index))


def dangerous_capabilities(document: Document, params: Mapping) -> Iterator[Violation]:
    added = document.data["capabilities"]["add"]
    if not added:
        return
    dangerous = {capability_name(name) for name in params["capabilities"]}
    for index, name in enumerate(added):
        if name in dangerous:
            what = "every capability" if name == "ALL" else f"`{name}`"
            yield Violation(f"`cap_add` grants {what}, which lets the container act on the "
                            "host kernel.", path=("capabilities", "add", index))


# -- the user ---------------------------------------------------------------------------------


def _is_root(user: str) -> bool:
    return user.split(":", 1)[0].strip().lower() in ROOT_USERS


def _written_user(service: Service) -> Iterator[Violation]:
    written = service.definition.get("user")
    text = service.compose.resolve.resolve(str(written)).strip()
    if UNKNOWN not in text and _is_root(text):
        yield Violation(f"The service runs as root (`user: {written}`).",
                        path=("service", "user"))


def run_as_root(document: Document, params: Mapping) -> Iterator[Violation]:
    service: Service = document.parsed
    if service.definition.get("user") is not None:
        yield from _written_user(service)
        return
    if document.data["partial"]:
        return
    facts = service.dockerfile
    if facts is not None:
        if facts.user is not None:
            if not facts.user.startswith("$") and _is_root(facts.user):
                yield Violation("Its Dockerfile's final stage runs as root "
                                f"(`USER {facts.user}`) and `user:` is not set.")
            return
        if facts.base_image and matches_any(parse_image(facts.base_image),
                                            params["nonroot_images"]):
            return
        yield Violation("Neither `user:` nor the service's Dockerfile (final stage) sets a "
                        "user, so it runs as root.")
        return
    if service.image is not None and (not service.image.known
                                      or matches_any(service.image, params["nonroot_images"])):
        return
    yield Violation("The service sets no `user:`: it runs as the image's default user, "
                    "which is root for most images (set a non-root UID, or exempt the "
                    "service if its image already drops root).")


# -- secrets ----------------------------------------------------------------------------------

SECRET_NAME = re.compile(
    r"(?:^|[_.-])(?:PASS|PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|SECRETS|TOKEN|CREDENTIALS?|"
    r"API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|MASTER_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|"
    r"APP_?KEY|LICENSE_?KEY|BASIC_?AUTH|HTPASSWD)(?:$|[_.-])", re.IGNORECASE)
NOT_SECRET_NAME = re.compile(
    r"[_.-](?:FILE|PATH|DIR|URL|URI|HOST|PORT|USER|USERNAME|NAME|METHOD|TYPE|MODE|ENABLED|"
    r"ENABLE|DISABLED|DISABLE|REQUIRED|LENGTH|MIN_LENGTH|TTL|EXPIRY|EXPIRE|EXPIRES|EXPIRATION|"
    r"TIMEOUT|LIFETIME|ALGORITHM|ALG|ID|MIN|MAX|SIZE|COUNT|LIMIT|HEADER|PREFIX|ISSUER|"
    r"AUDIENCE|SCOPES?|REALM|PROVIDER|POLICY|SECONDS|MINUTES|HOURS|DAYS|ENDPOINT|FORMAT|"
    r"VERSION|REGION|HASH|RESET|STRENGTH|PATTERN|REGEX|BACKEND|STORE|CACHE|LOCATION)$",
    re.IGNORECASE)
_PUBLIC_KEYS = re.compile(r"(?:PUBLIC|PUBLISHABLE|SITE)_?KEY$", re.IGNORECASE)
_NOT_SECRET_VALUES = {"", "true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"}
_URL_CREDENTIALS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^@\s/]+)@")
_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-")  # `${VAR:-default}`, `${VAR-default}`
_PATH_VALUE = ("/", "./", "../", "~/")


def _looks_secret_name(name: str) -> bool:
    return name != "PWD" and bool(SECRET_NAME.search(name)) \
        and not NOT_SECRET_NAME.search(name) and not _PUBLIC_KEYS.search(name)


def _literal(value: str) -> tuple[str | None, bool]:
    """(the literal secret, whether it is a `${VAR:-default}` fallback), or (None, _) when the
    value comes from a variable or is not a secret."""
    resolved = _NO_VARIABLES.resolve(value)
    if UNKNOWN in resolved or resolved.strip().lower() in _NOT_SECRET_VALUES:
        return None, False
    if resolved.isdigit() and len(resolved) <= 4 or resolved.startswith(_PATH_VALUE):
        return None, False  # a small number (a TTL), or a path to a key or secret file
    return resolved, bool(_DEFAULT.search(value))


def _secret_problem(name: str, value: Any, where: str) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value)
    if _looks_secret_name(name):
        literal, fallback = _literal(text)
        if literal is not None:
            how = "falls back to the literal default" if fallback else "is set to the literal"
            return f"`{name}` {how} {redact(literal)} in {where}."
    match = _URL_CREDENTIALS.search(text)
    if match:
        password = _NO_VARIABLES.resolve(match.group(1))
        if UNKNOWN not in password:
            return f"`{name}` holds a URL with a literal password ({redact(password)}) " \
                   f"in {where}."
    return None


def secret_in_environment(document: Document, params: Mapping) -> Iterator[Violation]:
    for name, value in document.data["environment"].items():
        problem = _secret_problem(name, value, "the compose file")
        if problem:
            yield Violation(problem, path=("environment", name))
    build = document.data["service"].get("build")
    args = build.get("args") if isinstance(build, dict) else None
    if args:
        lines = document.lines
        found = key_values(args, lines)
        for name, value in found.items():
            problem = _secret_problem(name, value, "the build arguments, which stay in the "
                                                   "image history")
            if problem:
                yield Violation(problem, line=lines.locate(found, (name,)))

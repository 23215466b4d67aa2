"""What Traefik policies reason about: entry points, routers and the middlewares they use.

A router's protection depends on configuration written elsewhere: its entry points' TLS and
middlewares live in the static configuration, its middlewares may be defined by another
container's labels or in another file. The contexts here carry what could be found; what
could not (a `name@file` middleware from a file never seen) counts as "cannot tell", never as
missing, so a policy does not report what it cannot see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_PORT = re.compile(r":(\d+)(?:/[a-z]+)?$")
_HOST = re.compile(r"Host(?:SNI)?\s*\(([^)]*)\)", re.IGNORECASE)
_QUOTED = re.compile(r"[`\"']([^`\"']+)[`\"']")
_LOCAL_HOST = re.compile(r"(^|\.)(localhost|local|test|internal|lan|home\.arpa|example)$|"
                         r"^127\.|^\[?::1\]?$")
# Without the static configuration, these entry point names are taken to be the TLS ones.
_TLS_NAMES = re.compile(r"secure|https|tls|ssl|443", re.IGNORECASE)
_REDIRECT_NAME = re.compile(r"redirect|https", re.IGNORECASE)
_AUTH_TYPES = {"basicauth", "digestauth", "forwardauth"}
_HEADER_OPTIONS = {"stsseconds", "framedeny", "customframeoptionsvalue", "contenttypenosniff",
                   "browserxssfilter", "contentsecuritypolicy", "referrerpolicy",
                   "permissionspolicy", "forcestsheader", "stsincludesubdomains"}
_SECURITY_HEADERS = {"strict-transport-security", "x-frame-options", "content-security-policy",
                     "x-content-type-options", "referrer-policy", "permissions-policy"}


def as_list(value: Any) -> list[str]:
    """A list, or a comma-separated string (as labels write lists)."""
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return []


def section(config: Any, *path: str) -> dict:
    for key in path:
        config = config.get(key) if isinstance(config, dict) else None
    return config if isinstance(config, dict) else {}


@dataclass(frozen=True)
class EntryPoint:
    name: str
    port: int | None
    tls: bool
    redirect_to: str | None
    middlewares: tuple[str, ...]

    # Traefik's documentation names them `web` and `websecure`; a Traefik that does not run
    # as root listens on high ports (`:8080`, `:8443`) published as 80 and 443.
    @property
    def plain_http(self) -> bool:
        return not self.tls and (self.port == 80 or self.name in ("web", "http"))

    @property
    def tls_capable(self) -> bool:
        return self.tls or self.port == 443 or self.name in ("websecure", "https")


def entry_points(static: dict) -> dict[str, EntryPoint]:
    found = {}
    for name, options in section(static, "entrypoints").items():
        options = options if isinstance(options, dict) else {}
        port = _PORT.search(str(options.get("address", "")))
        http = section(options, "http")
        # Traefik 1 wrote `tls` and `redirect` on the entry point itself.
        redirect = section(http, "redirections", "entrypoint").get("to") \
            or section(options, "redirect").get("entrypoint")
        tls = http.get("tls") if http.get("tls") is not None else options.get("tls")
        found[name] = EntryPoint(name, int(port.group(1)) if port else None,
                                 tls is not None and tls is not False,
                                 str(redirect).lower() if redirect else None,
                                 tuple(as_list(http.get("middlewares"))))
    return found


@dataclass
class StaticFacts:
    """The static configuration a router runs under, when it was found."""

    config: dict
    entrypoints: dict[str, EntryPoint] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.entrypoints = entry_points(self.config)

    def exposed_by_default(self) -> bool:
        docker = section(self.config, "providers", "docker")
        return not (docker and docker.get("exposedbydefault") is False)


def hosts(rule: Any) -> list[str]:
    found = []
    for arguments in _HOST.findall(str(rule or "")):
        found += [host.lower() for host in _QUOTED.findall(arguments)]
    return found


def _is_local(host: str) -> bool:
    return bool(_LOCAL_HOST.search(host.split(":")[0]))


@dataclass
class RouterContext:
    """One HTTP router, with the middlewares and static configuration it can refer to."""

    name: str
    router: dict
    provider: str  # "file" or "docker": a middleware name without `@` is in this provider
    middlewares: dict[str, Any]  # name -> definition, for this provider
    static: StaticFacts | None

    @property
    def entrypoint_names(self) -> list[str]:
        return [name.lower() for name in as_list(self.router.get("entrypoints"))]

    def entrypoints(self) -> list[EntryPoint | None]:
        """The router's entry points (all of them when it names none); None for one that is
        not known (no static configuration was found, or it does not define it)."""
        if self.static is None:
            return [None] * max(1, len(self.entrypoint_names))
        names = self.entrypoint_names or list(self.static.entrypoints)
        return [self.static.entrypoints.get(name) for name in names] or [None]

    @property
    def public(self) -> bool:
        """False when every host the rule names is local (`app.localhost`, `*.test`)."""
        found = hosts(self.router.get("rule"))
        return not found or not all(_is_local(host) for host in found)

    @property
    def tls_only(self) -> bool:
        """True when the router's requests all arrive over TLS: it sets `tls`, or each of its
        entry points terminates TLS or redirects to one that does."""
        tls = self.router.get("tls")
        if tls is not None and tls is not False:
            return True
        if self.static is None:  # unseen: trust names like `websecure`; none named, no telling
            names = self.entrypoint_names
            return not names or all(_TLS_NAMES.search(name) for name in names)
        return all(entry is not None and (entry.tls or entry.redirect_to is not None)
                   for entry in self.entrypoints())

    @property
    def service(self) -> str:
        return str(self.router.get("service", "")).lower()

    def _lookup(self, reference: str) -> Any:
        """The middleware's definition; None when it is defined where this cannot see."""
        name, _, provider = reference.partition("@")
        if provider and provider != self.provider:
            return None
        return self.middlewares.get(name.lower())

    def middleware_types(self) -> tuple[dict[str, dict], bool]:
        """({type: options} of every middleware applied, through chains and entry points),
        and whether some could not be resolved."""
        references = as_list(self.router.get("middlewares"))
        for entry in self.entrypoints():
            references += list(entry.middlewares) if entry else []
        types: dict[str, dict] = {}
        unresolved = False
        seen: set[str] = set()
        while references:
            reference = references.pop()
            if reference.lower() in seen:
                continue
            seen.add(reference.lower())
            definition = self._lookup(reference)
            if not isinstance(definition, dict):
                unresolved = True
                continue
            for kind, options in definition.items():
                options = options if isinstance(options, dict) else {}
                if kind == "chain":
                    references += as_list(options.get("middlewares"))
                types.setdefault(kind, {}).update(options)
        return types, unresolved

    def redirects_to_https(self) -> bool:
        types, _ = self.middleware_types()
        scheme = str(types.get("redirectscheme", {}).get("scheme", "")).lower()
        regex = str(types.get("redirectregex", {}).get("replacement", "")).lower()
        if scheme == "https" or regex.startswith("https"):
            return True
        # Defined where this cannot see: its name (`redirect-to-https@file`) is the clue.
        return any(_REDIRECT_NAME.search(ref) for ref in as_list(self.router.get("middlewares"))
                   if self._lookup(ref) is None)


def has_security_headers(types: dict[str, dict]) -> bool:
    headers = types.get("headers", {})
    custom = {str(k).lower() for k in section(headers, "customresponseheaders")}
    return bool(_HEADER_OPTIONS & set(headers) or _SECURITY_HEADERS & custom)


def has_rate_limit(types: dict[str, dict]) -> bool:
    return "ratelimit" in types or "inflightreq" in types


def has_auth(types: dict[str, dict]) -> bool:
    return bool(_AUTH_TYPES & set(types))

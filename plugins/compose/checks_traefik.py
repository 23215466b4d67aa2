"""Traefik checks that need more than a schema: entry points and their redirects, and what
protects each public router (TLS, security headers, rate limits, dashboard authentication).

A router is public unless every host its rule names is local (`*.localhost`, `*.test`...).
A router that only redirects to HTTPS needs no protection of its own. A middleware defined
where this cannot see (`name@file` from another file) is given the benefit of the doubt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from scaffold import Document, Violation
from scaffold_plugins.compose.traefik_model import (
    RouterContext,
    has_auth,
    has_rate_limit,
    has_security_headers,
    hosts,
)


def _redirecting_router(routers: list[RouterContext], entrypoint: str) -> bool:
    return any(router.redirects_to_https() and (not router.entrypoint_names
                                                or entrypoint in router.entrypoint_names)
               for router in routers)


def http_redirect(document: Document, params: Mapping) -> Iterator[Violation]:
    facts, routers = document.parsed
    entries = facts.entrypoints.values()
    if not any(entry.tls_capable for entry in entries):
        return  # nothing to redirect to: TRF004 reports routers served without TLS
    for entry in entries:
        if not entry.plain_http or entry.redirect_to is not None:
            continue
        if any("redirect" in name.lower() for name in entry.middlewares) \
                or _redirecting_router(routers, entry.name):
            continue
        yield Violation(f"Entry point `{entry.name}` serves plain HTTP and does not redirect "
                        "to HTTPS.", path=("entrypoints", entry.name))


def _describe(router: RouterContext) -> str:
    found = hosts(router.router.get("rule"))
    return f"`{', '.join(found)}`" if found else "its requests"


def _where(router: RouterContext, key: str) -> tuple:
    return ("router", key) if key in router.router else ("router",)


def _public(router: RouterContext) -> bool:
    return router.public and not router.redirects_to_https()


def router_tls(document: Document, params: Mapping) -> Iterator[Violation]:
    router: RouterContext = document.parsed
    if _public(router) and not router.tls_only:
        yield Violation(f"Router `{router.name}` serves {_describe(router)} over plain HTTP: "
                        "it sets no `tls` and not all its entry points terminate TLS.",
                        path=_where(router, "rule"))


def _missing_middleware(has: Callable[[dict], bool], what: str
                        ) -> Callable[[Document, Mapping], Iterator[Violation]]:
    def check(document: Document, params: Mapping) -> Iterator[Violation]:
        router: RouterContext = document.parsed
        if not _public(router) or router.service.endswith("@internal"):
            return  # Traefik's own dashboard and API: TRF007 is about protecting them
        types, unresolved = router.middleware_types()
        if has(types) or unresolved:
            return
        yield Violation(f"Router `{router.name}` serves {_describe(router)} without "
                        f"{what} middleware.", path=_where(router, "middlewares"))
    return check


def dashboard_auth(document: Document, params: Mapping) -> Iterator[Violation]:
    router: RouterContext = document.parsed
    if router.service not in ("api@internal", "dashboard@internal") or not router.public:
        return
    types, unresolved = router.middleware_types()
    if not has_auth(types) and not unresolved:
        yield Violation(f"Router `{router.name}` exposes the Traefik dashboard and API "
                        f"({_describe(router)}) without authentication.",
                        path=_where(router, "service"))


security_headers = _missing_middleware(has_security_headers, "a security-headers")
rate_limit = _missing_middleware(has_rate_limit, "a rate-limit")

"""Code checks for objects other than workloads: Services, Ingresses, NetworkPolicies,
HorizontalPodAutoscalers, ConfigMaps and Secrets. RBAC objects are in `rbac`.

What a JSON Schema says exactly (a field's value) is left to schema policies; what needs a
look at two fields at once, or at text inside a value, is here.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from typing import Any

from scaffold import Document, Violation, redact
from scaffold_plugins.kubernetes.documents import dig

_EVERYWHERE = frozenset({"0.0.0.0/0", "::/0"})


def _annotations(data: dict) -> dict:
    found = dig(data, ("metadata", "annotations"))
    return found if isinstance(found, dict) else {}


def _annotation_matches(annotations: dict, wanted: Mapping[str, list]) -> str | None:
    """The first annotation whose key is wanted with one of the listed values (any value when
    the list is empty); values compare case-insensitively, as cloud controllers read them."""
    for key, values in wanted.items():
        if key not in annotations:
            continue
        value = str(annotations[key]).strip().lower()
        if not values or value in {str(v).lower() for v in values}:
            return key
    return None


# -- Service ----------------------------------------------------------------------------------

def public_load_balancer(document: Document, params: Mapping) -> Iterator[Violation]:
    """A `type: LoadBalancer` Service that is neither internal (by a cloud's annotation) nor
    limited by `loadBalancerSourceRanges`."""
    spec = document.data.get("spec")
    if not isinstance(spec, dict) or spec.get("type") != "LoadBalancer":
        return
    if _annotation_matches(_annotations(document.data), params.get("internal_annotations", {})):
        return
    ranges = spec.get("loadBalancerSourceRanges")
    if isinstance(ranges, list) and ranges:
        everywhere = [r for r in ranges if str(r).strip() in _EVERYWHERE]
        if not everywhere:
            return
        yield Violation(f"Service of type LoadBalancer admits `{everywhere[0]}` in "
                        "`loadBalancerSourceRanges`: it is reachable from anywhere.",
                        path=("spec", "loadBalancerSourceRanges", ranges.index(everywhere[0])))
        return
    yield Violation("Service of type LoadBalancer is public: no internal-load-balancer "
                    "annotation and no `loadBalancerSourceRanges`.", path=("spec", "type"))


# -- Ingress ----------------------------------------------------------------------------------

def _host_covered(host: str, tls_hosts: list[str]) -> bool:
    for pattern in tls_hosts:
        if pattern == host:
            return True
        if pattern.startswith("*.") and "." in host and \
                host.split(".", 1)[1] == pattern[2:] and not host.startswith("*"):
            return True
    return False


def ingress_tls(document: Document, params: Mapping) -> Iterator[Violation]:
    """An Ingress without TLS, or with hosts its `tls` entries leave on plain HTTP.

    The same for `networking.k8s.io/v1` and the older `extensions/v1beta1` and
    `networking.k8s.io/v1beta1`: `spec.tls` and `spec.rules[].host` did not change shape.
    TLS terminated by the load balancer (an AWS certificate ARN, a GCP pre-shared certificate,
    Traefik's `router.tls`) is declared by annotation: those listed in params count as TLS.
    """
    data = document.data
    found = _annotation_matches(_annotations(data), params.get("tls_annotations", {}))
    spec = data.get("spec")
    if found or not isinstance(spec, dict):
        return
    tls = spec.get("tls")
    if not isinstance(tls, list) or not tls:
        yield Violation("Ingress has no `tls` section: it serves plain HTTP.",
                        path=("spec", "tls") if "tls" in spec else ("spec",))
        return
    tls_hosts: list[str] = []
    for entry in tls:
        hosts = entry.get("hosts") if isinstance(entry, dict) else None
        if not hosts or not isinstance(hosts, list):
            return  # an entry without hosts is the controller's default: it covers every host
        tls_hosts += [str(h) for h in hosts]
    rules = spec.get("rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else ()):
        host = rule.get("host") if isinstance(rule, dict) else None
        if host and not _host_covered(str(host), tls_hosts):
            yield Violation(f"Ingress host `{host}` is in no `tls` entry: it is served over "
                            "plain HTTP.", path=("spec", "rules", index, "host"))


# -- NetworkPolicy ----------------------------------------------------------------------------

_DIRECTIONS = {"ingress": ("Ingress", "from"), "egress": ("Egress", "to")}


def _enforced(spec: dict, direction: str) -> bool:
    """Whether the policy's rules for a direction take effect: `policyTypes` when set; else
    Ingress always, and Egress when the policy has an `egress` section."""
    types = spec.get("policyTypes")
    if isinstance(types, list) and types:
        return _DIRECTIONS[direction][0] in types
    return direction == "ingress" or "egress" in spec


def _all_peers(peer: Any) -> bool:
    """A peer that is every address: an ipBlock of 0.0.0.0/0 or ::/0 with no exceptions."""
    block = peer.get("ipBlock") if isinstance(peer, dict) else None
    return isinstance(block, dict) and str(block.get("cidr", "")).strip() in _EVERYWHERE \
        and not block.get("except")


def unrestricted_rule(rule: Any, peers_key: str) -> bool:
    """Whether one ingress/egress rule allows every peer on every port."""
    if not isinstance(rule, dict) or rule.get("ports"):
        return False
    peers = rule.get(peers_key)
    if peers and not isinstance(peers, list):
        return False  # malformed: the API server rejects it
    return not peers or any(_all_peers(peer) for peer in peers)


def network_policy_allows_all(document: Document, params: Mapping) -> Iterator[Violation]:
    """A NetworkPolicy rule that allows all traffic in one direction (`params.direction`)."""
    direction = params["direction"]
    spec = document.data.get("spec")
    if not isinstance(spec, dict) or not _enforced(spec, direction):
        return
    rules = spec.get(direction)
    if not isinstance(rules, list):
        return
    selector = spec.get("podSelector")
    pods = "every pod of the namespace" if not selector or selector == {"matchLabels": {}} \
        else "the pods it selects"
    peers_key = _DIRECTIONS[direction][1]
    for index, rule in enumerate(rules):
        if unrestricted_rule(rule, peers_key):
            yield Violation(f"{direction} rule {index} allows all {direction} traffic for "
                            f"{pods}, from any peer on any port.",
                            path=("spec", direction, index))


# -- HorizontalPodAutoscaler ------------------------------------------------------------------

def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def hpa_cannot_scale(document: Document, params: Mapping) -> Iterator[Violation]:
    """`maxReplicas` not above `minReplicas` (which defaults to 1): the HPA cannot scale."""
    spec = document.data.get("spec")
    if not isinstance(spec, dict):
        return
    maximum = _integer(spec.get("maxReplicas"))
    minimum = _integer(spec.get("minReplicas")) if "minReplicas" in spec else 1
    if maximum is None or minimum is None or maximum > minimum:
        return
    said = f"`minReplicas: {minimum}`" if "minReplicas" in spec else "the default minReplicas 1"
    yield Violation(f"`maxReplicas: {maximum}` is not above {said}: the autoscaler can never "
                    "add a replica.", path=("spec", "maxReplicas"))


# -- secrets in ConfigMaps and Secrets --------------------------------------------------------

# Words that end a name holding a secret (`db.password`, `apiKey`, `CLIENT_SECRET`).
_SECRET_WORDS = frozenset({"password", "passwd", "passphrase", "pass", "pwd", "secret",
                           "token", "credential", "credentials", "apikey", "htpasswd"})
_SECRET_PAIRS = frozenset({("api", "key"), ("secret", "key"), ("private", "key"),
                           ("access", "key"), ("signing", "key"), ("encryption", "key"),
                           ("master", "key"), ("auth", "key"), ("client", "secret"),
                           ("license", "key"), ("app", "key")})
_NAME_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_PUBLIC_WORDS = frozenset({"public", "pub", "publishable"})
_SWITCHES = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null", "nil",
                       "enabled", "disabled", "required", "optional", "~"})
_PLACEHOLDER = re.compile(r"^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|<[^>]*>|%[^%]+%|"
                          r"\*+|x{3,}|\.\.\.|(?:change|replace)[_-]?me|todo|tbd|redacted"
                          r"|dummy|example|placeholder)$", re.IGNORECASE)
# `name = value`, `name: value`, `"name": "value",` and `export NAME=value` in embedded files.
_SETTING = re.compile(r"""^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*(.*?)\s*,?\s*$""")
# A value read from elsewhere at run time, in the languages config files are written in.
_REFERENCE = re.compile(r"\benviron\b|\bgetenv\b|\bprocess\.env\b|\bENV\[|\benv\(")
_CERTIFICATE = "-----BEGIN CERTIFICATE-----"


def secret_name(name: str) -> bool:
    """Whether a key or setting name says it holds a secret (its last word, or last two)."""
    words = [w.lower() for w in _NAME_WORDS.findall(name)]
    if not words or _PUBLIC_WORDS & set(words) or name.upper() == "PWD":
        return False
    return words[-1] in _SECRET_WORDS or tuple(words[-2:]) in _SECRET_PAIRS


def literal_secret(value: str) -> bool:
    """Whether a value is a literal, not a switch, a placeholder, a path or a reference."""
    text = value.strip().strip("\"'").strip()
    if text.lower() in _SWITCHES or _PLACEHOLDER.match(text) or _REFERENCE.search(text):
        return False
    return not text.startswith(("/", "./", "~/", "$", "{{"))


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    # The credential formats the Dockerfile checks know; imported only when a ConfigMap or
    # Secret is checked, as the Dockerfile parser comes with them.
    from scaffold_plugins.dockerfile.secrets import find_tokens

    yield from find_tokens(text)


_TOKEN_NAMES = {"aws": "an AWS access key", "github": "a GitHub token", "gitlab":
                "a GitLab token", "slack": "a Slack token", "stripe": "a Stripe key",
                "google": "a Google API key", "npm": "an npm token", "pypi": "a PyPI token",
                "docker": "a Docker Hub token", "sendgrid": "a SendGrid key",
                "key": "a private key", "url": "a URL with a password"}


def _embedded_settings(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        match = _SETTING.match(line)
        if match and match.group(2) and not match.group(2).startswith(("|", ">", "{", "[")):
            yield match.group(1), match.group(2).strip("\"'")


def value_problem(key: str, value: Any) -> str | None:
    """What secret a ConfigMap value holds, said without the secret, or None."""
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    text = str(value)
    for kind, found in _tokens(text):
        return f"`{key}` holds {_TOKEN_NAMES.get(kind, 'a credential')} ({redact(found)})."
    if "\n" not in text.strip():
        if secret_name(key) and literal_secret(text):
            return f"`{key}` holds a literal secret ({redact(text.strip())})."
        return None
    for name, setting in _embedded_settings(text):
        if secret_name(name) and literal_secret(setting):
            return f"`{key}` sets `{name}` to a literal secret ({redact(setting)})."
    return None


def configmap_secrets(document: Document, params: Mapping) -> Iterator[Violation]:
    """Secrets in a ConfigMap's `data`: by the key's name, by a credential's format, or as a
    setting of a configuration file held in a value."""
    data = document.data.get("data")
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        problem = value_problem(str(key), value)
        if problem:
            yield Violation(problem, path=("data", key))


def _decoded(value: str) -> str | None:
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _holds_secret(value: Any, encoded: bool) -> bool:
    if value is None or isinstance(value, (dict, list)):
        return False
    text = str(value)
    if encoded:
        decoded = _decoded(text)
        if decoded is None:
            return bool(text.strip())  # binary (a keystore) or not base64: a value all the same
        text = decoded
    if _CERTIFICATE in text and "PRIVATE KEY" not in text:
        return False  # a certificate (`ca.crt`, `tls.crt`) is public
    return bool(text.strip()) and not _PLACEHOLDER.match(text.strip())


def secret_values(document: Document, params: Mapping) -> Iterator[Violation]:
    """A Secret manifest with values in `data` or `stringData`: committed, they are in git.

    Empty values, placeholders (`<password>`, `${PASSWORD}`, `changeme`) and certificates are
    not secrets; the finding names the keys and never shows a value. Objects rendered by Helm
    or built by kustomize (`document.parsed` names their origin) are left out: their values
    come from a template, `--set` or a generator (`randAlphaNum`, a git-ignored env file),
    which this check cannot see; the plain manifests they include are checked as files.
    """
    if document.parsed is not None:
        return
    for section, encoded in (("data", True), ("stringData", False)):
        values = document.data.get(section)
        if not isinstance(values, dict):
            continue
        keys = [str(k) for k, v in values.items() if _holds_secret(v, encoded)]
        if keys:
            shown = ", ".join(f"`{k}`" for k in keys[:5]) + (", …" if len(keys) > 5 else "")
            plural = "s" if len(keys) > 1 else ""
            yield Violation(f"Secret holds {len(keys)} value{plural} in `{section}` ({shown}): "
                            "this manifest puts the secret in version control.",
                            path=(section,))

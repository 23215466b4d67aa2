"""Best practice for pods, containers and workload objects: the code checks of the policies
under `policies/kubernetes/workloads`. What a JSON Schema can say exactly lives in the policy
files; here is what needs Kubernetes defaults, precedence or cross-field logic:

- images: the registry an image comes from, the pull policy it really gets when unset;
- resources: a limit also sets the request (the API server copies it), pod-level resources
  cover every container, ephemeral containers may not set resources at all;
- probes: ports resolved through the container's declared ports;
- users and groups: container-over-pod precedence through `model.effective`;
- env: secrets written as literals, duplicate names;
- workload objects: replicas spread over nodes, selectors that select their own template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from scaffold import Document, Violation, redact
from scaffold_plugins.kubernetes.documents import dig
from scaffold_plugins.kubernetes.model import containers, effective, labels, selector_matches

Path = tuple[str | int, ...]


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _name(container: dict) -> str:
    return str(container.get("name", "?"))


def _windows(pod: Any) -> bool:
    """Linux-only fields (users, groups, read-only root) do not apply to a Windows pod."""
    return dig(pod, ("os", "name")) == "windows"


# --- images ----------------------------------------------------------------------------------

def split_image(reference: str) -> tuple[str, str, str | None, str | None]:
    """`(registry, repository, tag, digest)` of an image reference, with Docker's defaults
    (`docker.io`, `library/`): the first path component is a registry host only when it has a
    `.` or a `:` (a port) or is `localhost`, as the container runtimes read it."""
    name, _, digest = reference.strip().partition("@")
    registry = "docker.io"
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, name = first.lower(), rest
    repository, colon, tag = name.rpartition(":")
    if not colon:
        repository, tag = name, ""
    if registry == "docker.io" and "/" not in repository:
        repository = "library/" + repository
    return registry, repository, tag or None, digest or None


def _trusted(registry: str, repository: str, registries: list[str]) -> bool:
    full = f"{registry}/{repository}"
    host = registry.split(":", 1)[0]
    for entry in registries:
        entry = entry.lower().rstrip("/")
        if entry.startswith("*."):
            if host.endswith(entry[1:]):
                return True
        elif registry == entry or full == entry or full.startswith(entry + "/"):
            return True
    return False


def _image(document: Document) -> str | None:
    image = document.data["container"].get("image")
    return image if isinstance(image, str) and image.strip() else None


def trusted_registry(document: Document, params: Mapping) -> Iterator[Violation]:
    registries = list(params["registries"])
    image = _image(document)
    if not registries or image is None:
        return
    registry, repository, _, _ = split_image(image)
    if not _trusted(registry, repository, registries):
        yield Violation(f"Container {_name(document.data['container'])} pulls `{image}` from "
                        f"`{registry}`, which is not a trusted registry.",
                        path=("container", "image"))


def image_pull_policy(document: Document, params: Mapping) -> Iterator[Violation]:
    container = document.data["container"]
    policy = container.get("imagePullPolicy")
    if policy is not None:
        if policy != "Always":
            yield Violation(f"Container {_name(container)} sets `imagePullPolicy: {policy}`.",
                            path=("container", "imagePullPolicy"))
        return
    image = _image(document)
    if image is None:
        return
    _, _, tag, digest = split_image(image)
    if tag == "latest" or (tag is None and digest is None):
        return  # the API server defaults these to Always
    yield Violation(f"Container {_name(container)} sets no `imagePullPolicy`: for `{image}` "
                    "it defaults to IfNotPresent.", path=("container", "image"))


# --- resources -------------------------------------------------------------------------------

_RESOURCE_WORDS = {"cpu": "CPU", "memory": "memory", "ephemeral-storage": "ephemeral-storage"}


def container_resource(document: Document, params: Mapping) -> Iterator[Violation]:
    """params `resource` (cpu, memory, ephemeral-storage) and `kind` (requests, limits)."""
    data = document.data
    if data["type"] == "ephemeralContainer":
        return  # the API forbids resources on ephemeral containers
    resource, kind = params["resource"], params["kind"]
    # A limit without a request sets the request to the limit; pod-level resources
    # (`spec.resources`) bound every container of the pod.
    kinds = (kind, "limits") if kind == "requests" else (kind,)
    for owner in (data["container"], data["pod"]):
        if any(dig(owner, ("resources", k, resource)) is not None for k in kinds):
            return
    what = "request" if kind == "requests" else "limit"
    yield Violation(f"Container {_name(data['container'])} sets no "
                    f"{_RESOURCE_WORDS.get(resource, resource)} {what}.",
                    path=("container", "resources", kind))


# --- probes ----------------------------------------------------------------------------------

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PORT_HANDLERS = ("httpGet", "tcpSocket", "grpc")


def _declared_ports(container: dict) -> dict[str, int]:
    """Named ports -> number; numbers are keyed by their own text."""
    found: dict[str, int] = {}
    for port in _list(container.get("ports")):
        number = _int(_dict(port).get("containerPort"))
        if number is None:
            continue
        found[str(number)] = number
        if isinstance(port.get("name"), str):
            found[port["name"]] = number
    return found


def _probe_ports(container: dict) -> Iterator[tuple[str, str, Any]]:
    for probe in PROBES:
        for handler in _PORT_HANDLERS:
            port = dig(container, (probe, handler, "port"))
            if port is not None:
                yield probe, handler, port


def _is_name(port: Any) -> bool:
    return isinstance(port, str) and not port.isdigit()


def probe_port_name(document: Document, params: Mapping) -> Iterator[Violation]:
    container = document.data["container"]
    declared = _declared_ports(container)
    for probe, handler, port in _probe_ports(container):
        if _is_name(port) and port not in declared:
            yield Violation(f"The {probe} of container {_name(container)} uses the port name "
                            f"`{port}`, which the container's `ports` do not declare.",
                            path=("container", probe, handler, "port"))


def probe_port_number(document: Document, params: Mapping) -> Iterator[Violation]:
    container = document.data["container"]
    declared = _declared_ports(container)
    numbers = set(declared.values())
    if not numbers:
        return  # nothing declared: nothing to compare with
    for probe, handler, port in _probe_ports(container):
        if not _is_name(port) and str(port).isdigit() and int(port) not in numbers:
            yield Violation(f"The {probe} of container {_name(container)} uses port {port}, "
                            "which is not among the container's declared ports "
                            f"({', '.join(str(n) for n in sorted(numbers))}).",
                            path=("container", probe, handler, "port"))


def _resolved_port(port: Any, declared: dict[str, int]) -> Any:
    return declared.get(str(port), int(port) if str(port).isdigit() else port)


def _handler(probe: Any, declared: dict[str, int]) -> tuple | None:
    """What a probe tests (its handler), without its timing: two probes that test the same
    endpoint fail at the same moments, whatever their thresholds."""
    probe = _dict(probe)
    if isinstance(probe.get("httpGet"), dict):
        get = probe["httpGet"]
        # Headers count: two probes of one path that differ by a header (a cookie saying
        # "liveness") are different requests the application may answer differently.
        headers = tuple(sorted((str(h.get("name")), str(h.get("value")))
                               for h in _list(get.get("httpHeaders")) if isinstance(h, dict)))
        return ("httpGet", get.get("host") or "", str(get.get("scheme") or "HTTP").upper(),
                get.get("path") or "/", _resolved_port(get.get("port"), declared), headers)
    if isinstance(probe.get("tcpSocket"), dict):
        tcp = probe["tcpSocket"]
        return "tcpSocket", tcp.get("host") or "", _resolved_port(tcp.get("port"), declared)
    if isinstance(probe.get("grpc"), dict):
        return "grpc", probe["grpc"].get("port"), probe["grpc"].get("service") or ""
    command = dig(probe, ("exec", "command"))
    if isinstance(command, list):
        return "exec", tuple(str(word) for word in command)
    return None


def _describe(handler: tuple) -> str:
    if handler[0] == "httpGet":
        return f"HTTP GET {handler[3]} on port {handler[4]}"
    if handler[0] == "tcpSocket":
        return f"a TCP connection to port {handler[2]}"
    if handler[0] == "grpc":
        return f"gRPC health on port {handler[1]}"
    return f"the command `{' '.join(handler[1])}`"


def probes_identical(document: Document, params: Mapping) -> Iterator[Violation]:
    container = document.data["container"]
    declared = _declared_ports(container)
    liveness = _handler(container.get("livenessProbe"), declared)
    if liveness is not None and liveness == _handler(container.get("readinessProbe"), declared):
        yield Violation(f"The liveness and readiness probes of container {_name(container)} both "
                        f"test {_describe(liveness)}.", path=("container", "livenessProbe"))


# --- users and groups ------------------------------------------------------------------------

def high_id(document: Document, params: Mapping) -> Iterator[Violation]:
    """params `field` (runAsUser or runAsGroup) and `minimum`."""
    data = document.data
    if _windows(data["pod"]):
        return
    field, minimum = params["field"], params["minimum"]
    value, path = effective(data, field)
    name = _name(data["container"])
    if value is None:
        yield Violation(f"Neither container {name} nor its pod sets `{field}`: the image "
                        f"decides, and most images use an ID below {minimum}.", path=path)
    elif _int(value) == 0:
        return  # root: KUBE113 (runAsUser) and KUBE217 (root group) report it, once
    elif _int(value) is not None and value < minimum:
        where = "its pod" if path[0] == "pod" else "container " + name
        yield Violation(f"Container {name} runs with `{field}: {value}` (set by {where}), "
                        f"below {minimum}.", path=path)


def _is_root(value: Any) -> bool:
    return _int(value) == 0


def root_group(document: Document, params: Mapping) -> Iterator[Violation]:
    pod = document.data["spec"]
    if _windows(pod):
        return
    reported: set[Path] = set()
    for key, index, container in containers(pod):
        value, path = effective({"container": container, "pod": pod}, "runAsGroup")
        where: Path = ("spec", key, index) if path[0] == "container" else ("spec",)
        where += path[1:]
        if _is_root(value) and where not in reported:
            reported.add(where)
            whose = f"container {_name(container)}" if path[0] == "container" else "the pod"
            yield Violation(f"`runAsGroup: 0` ({whose}) runs processes in the root group.",
                            path=where)
    context = _dict(pod.get("securityContext"))
    if _is_root(context.get("fsGroup")):
        yield Violation("`fsGroup: 0` gives the pod's volumes to the root group.",
                        path=("spec", "securityContext", "fsGroup"))
    for index, group in enumerate(_list(context.get("supplementalGroups"))):
        if _is_root(group):
            yield Violation("`supplementalGroups` adds the root group (0) to every process.",
                            path=("spec", "securityContext", "supplementalGroups", index))


# --- environment -----------------------------------------------------------------------------

# A name whose last word says it holds a secret: DB_PASSWORD, GITHUB_TOKEN, jwt.secret.
SECRET_NAME = re.compile(
    r"(?:^|[_.-])(?:pass|password|passwd|passphrase|secret|token|credentials?|"
    r"(?:api|access|private|secret|client|auth|encryption|signing|master|license|hmac|"
    r"session|app)[_.-]?key|secret[_.-]?key[_.-]?base)$", re.IGNORECASE)
# Values that are not a secret: switches, and references expanded later (`$(OTHER_VAR)`,
# left-over `${VAR}` or `{{ template }}` placeholders).
_NOT_SECRET_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "none", "null"})
_REFERENCE = re.compile(r"\$\(|\$\{|\{\{")


def _env(container: dict) -> Iterator[tuple[int, dict]]:
    for index, item in enumerate(_list(container.get("env"))):
        if isinstance(item, dict):
            yield index, item


def secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def _credential(text: str) -> str | None:
    """What credential format `text` holds (a private key, a cloud or forge token, a URL with
    a password), whatever the variable is called."""
    from scaffold_plugins.kubernetes.objects import _TOKEN_NAMES, _tokens

    for kind, _ in _tokens(text):
        return _TOKEN_NAMES.get(kind, "a credential")
    return None


def hard_coded_secret(document: Document, params: Mapping) -> Iterator[Violation]:
    container = document.data["container"]
    for index, item in _env(container):
        name, value = item.get("name"), item.get("value")
        if not isinstance(name, str) or value is None:
            continue
        text = str(value)
        if text.strip().lower() in _NOT_SECRET_VALUES:
            continue
        where = ("container", "env", index, "value")
        if secret_name(name) and not _REFERENCE.search(text):
            yield Violation(f"Container {_name(container)} sets `{name}` to the literal "
                            f"{redact(text)} in the manifest.", path=where)
            continue
        credential = _credential(text)
        if credential:
            yield Violation(f"Container {_name(container)} sets `{name}` to {credential} "
                            f"({redact(text.strip())}) in the manifest.", path=where)


def duplicate_env(document: Document, params: Mapping) -> Iterator[Violation]:
    container = document.data["container"]
    first: dict[str, int] = {}
    for index, item in _env(container):
        name = item.get("name")
        if not isinstance(name, str):
            continue
        if name in first:
            yield Violation(f"Container {_name(container)} sets `{name}` twice (env entries "
                            f"{first[name] + 1} and {index + 1}).",
                            path=("container", "env", index, "name"))
        else:
            first[name] = index


# --- workload objects ------------------------------------------------------------------------

def _template_labels(obj: dict) -> dict:
    return labels(obj, "spec", "template", "metadata")


def _spread(pod: dict, pod_labels: dict) -> bool:
    """Whether an anti-affinity term or a topology spread constraint counts this pod's own
    replicas (a term that selects other pods spreads nothing)."""
    anti = _dict(dig(pod, ("affinity", "podAntiAffinity")))
    terms = _list(anti.get("requiredDuringSchedulingIgnoredDuringExecution")) + [
        _dict(weighted).get("podAffinityTerm")
        for weighted in _list(anti.get("preferredDuringSchedulingIgnoredDuringExecution"))]
    for term in terms:
        if isinstance(term, dict) and selector_matches(term.get("labelSelector"), pod_labels):
            return True
    for constraint in _list(pod.get("topologySpreadConstraints")):
        constraint = _dict(constraint)
        if constraint.get("matchLabelKeys") or \
                selector_matches(constraint.get("labelSelector"), pod_labels):
            return True
    return False


def replicas_spread(document: Document, params: Mapping) -> Iterator[Violation]:
    obj = document.data
    replicas = _int(dig(obj, ("spec", "replicas")))
    pod = dig(obj, ("spec", "template", "spec"))
    if replicas is None or replicas < 2 or not isinstance(pod, dict):
        return
    if not _spread(pod, _template_labels(obj)):
        yield Violation(f"{document.resource} runs {replicas} replicas with no pod "
                        "anti-affinity or topology spread constraint that selects its own pods.",
                        path=("spec", "replicas"))


def _show(pod_labels: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in pod_labels.items()) or "no labels"


def selector_matches_template(document: Document, params: Mapping) -> Iterator[Violation]:
    obj = document.data
    selector = dig(obj, ("spec", "selector"))
    if not isinstance(selector, dict):
        return  # unset: Jobs and ReplicationControllers default it to the template's labels
    pod_labels = _template_labels(obj)
    if not selector_matches(selector, pod_labels):
        yield Violation(f"The selector of {document.resource} does not select its own pod "
                        f"template (labels: {_show(pod_labels)}).", path=("spec", "selector"))

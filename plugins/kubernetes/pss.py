"""Pod Security Standards controls that need code: the ones set at pod level *and* per
container (where a container's setting overrides its pod's), and the allow-lists a cluster's
Kubernetes version decides (`params`, so a config can follow its cluster).

Every check here runs on a `kubernetes.pod` document (`{"kind", "metadata", "spec"}`) and
looks at the pod and at each of its containers, init and ephemeral ones included, as the
Pod Security Admission controller does: one finding per offending field, or per container
when a required field is missing, so each lands on the line to edit. The controls a schema
says exactly (one container field, one pod field) are plain schema policies under
`policies/kubernetes/pss/`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from scaffold import Document, Violation
from scaffold_plugins.kubernetes.documents import CONTAINER_LISTS, dig
from scaffold_plugins.kubernetes.model import effective

Path = tuple[str | int, ...]

POD = "the pod"
SPEC: Path = ("spec",)
SECCOMP_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


class Container(NamedTuple):
    label: str  # "container app", "initContainer setup"
    path: Path  # into the pod document: ("spec", "containers", 0)
    data: dict  # the shape `model.effective` reads: {"container", "pod"}


def containers(spec: dict) -> Iterator[Container]:
    for key, kind in CONTAINER_LISTS:
        items = spec.get(key)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if isinstance(container, dict):
                yield Container(f"{kind} {container.get('name', index)}", (*SPEC, key, index),
                                {"container": container, "pod": spec})


def security_contexts(spec: dict) -> Iterator[tuple[str, Path, dict]]:
    """(who, path, securityContext) of the pod and of every container that has one."""
    own = spec.get("securityContext")
    if isinstance(own, dict):
        yield POD, (*SPEC, "securityContext"), own
    for container in containers(spec):
        context = container.data["container"].get("securityContext")
        if isinstance(context, dict):
            yield container.label, (*container.path, "securityContext"), context


def in_pod(container: Container, path: Path) -> Path:
    """A path `model.effective` gave (into a container document) as a path into the pod one."""
    head, *rest = path
    return (*container.path, *rest) if head == "container" else (*SPEC, *rest)


def show(value: Any) -> str:
    """A value as it would be written in YAML: `true`, `0`, `Unconfined`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _spec(document: Document) -> dict:
    spec = document.data.get("spec") if isinstance(document.data, dict) else None
    return spec if isinstance(spec, dict) else {}


def windows(spec: dict) -> bool:
    """A Windows pod: the restricted Linux-only controls do not apply (policy v1.25+)."""
    return dig(spec, ("os", "name")) == "windows"


def user_namespace(spec: dict) -> bool:
    """`hostUsers: false`: root in the pod is not root on the node (policy v1.35+ relaxes
    runAsNonRoot, runAsUser and, at baseline, procMount for such pods)."""
    return spec.get("hostUsers") is False


def _is_zero(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


# -- baseline ---------------------------------------------------------------------------------


def host_process(document: Document, params: Mapping) -> Iterator[Violation]:
    """HostProcess: `windowsOptions.hostProcess` must be unset or false, pod and containers."""
    for who, path, context in security_contexts(_spec(document)):
        if dig(context, ("windowsOptions", "hostProcess")) is True:
            yield Violation(f"{who} sets windowsOptions.hostProcess: true (a Windows "
                            "HostProcess container has the node's privileges)",
                            (*path, "windowsOptions", "hostProcess"))


def _allowed_apparmor_annotation(value: Any) -> bool:
    return value in ("", None, "runtime/default") or str(value).startswith("localhost/")


def apparmor(document: Document, params: Mapping) -> Iterator[Violation]:
    """AppArmor: the `appArmorProfile` fields and the beta annotations may only ask for the
    runtime's default profile or a profile loaded on the node."""
    annotations = dig(document.data, ("metadata", "annotations"))
    if isinstance(annotations, dict):
        for key, value in annotations.items():
            if str(key).startswith(APPARMOR_ANNOTATION) \
                    and not _allowed_apparmor_annotation(value):
                yield Violation(f"annotation {key} is {show(value)} (allowed: runtime/default, "
                                "localhost/<profile>)", ("metadata", "annotations", key))
    for who, path, context in security_contexts(_spec(document)):
        profile = context.get("appArmorProfile")
        if profile is None:
            continue
        kind = dig(profile, ("type",))
        if kind not in APPARMOR_TYPES:
            yield Violation(f"{who} sets appArmorProfile.type: {show(kind)} (allowed: "
                            "RuntimeDefault, Localhost)", (*path, "appArmorProfile", "type"))


def selinux(document: Document, params: Mapping) -> Iterator[Violation]:
    """SELinux: `seLinuxOptions.type` from the allowed set; `user` and `role` never set."""
    allowed = set(params["allowed"])
    for who, path, context in security_contexts(_spec(document)):
        options = context.get("seLinuxOptions")
        if not isinstance(options, dict):
            continue
        kind = options.get("type")
        if kind not in (None, "") and (not isinstance(kind, str) or kind not in allowed):
            yield Violation(f"{who} sets seLinuxOptions.type: {show(kind)} (allowed: "
                            f"{', '.join(sorted(allowed))})", (*path, "seLinuxOptions", "type"))
        for field in ("user", "role"):
            if options.get(field) not in (None, ""):
                yield Violation(f"{who} sets seLinuxOptions.{field} (a custom SELinux "
                                f"{field} is not allowed)", (*path, "seLinuxOptions", field))


def seccomp_baseline(document: Document, params: Mapping) -> Iterator[Violation]:
    """Seccomp (baseline): an explicit profile type must be RuntimeDefault or Localhost."""
    for who, path, context in security_contexts(_spec(document)):
        profile = context.get("seccompProfile")
        kind = dig(profile, ("type",))
        if isinstance(profile, dict) and kind is not None and kind not in SECCOMP_TYPES:
            yield Violation(f"{who} sets seccompProfile.type: {show(kind)} (the container runs "
                            "without syscall filtering)", (*path, "seccompProfile", "type"))


def sysctls(document: Document, params: Mapping) -> Iterator[Violation]:
    """Sysctls: only the safe, namespaced set (pod level is the only place they are set)."""
    allowed = set(params["allowed"])
    items = dig(_spec(document), ("securityContext", "sysctls"))
    for index, item in enumerate(items if isinstance(items, list) else ()):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or name not in allowed:
            yield Violation(f"the pod sets sysctl {show(name)}, which is not in the safe set",
                            (*SPEC, "securityContext", "sysctls", index, "name"))


# -- restricted -------------------------------------------------------------------------------


def volume_types(document: Document, params: Mapping) -> Iterator[Violation]:
    """Volume Types: only the core volume types in `allowed` (a volume with no type is an
    emptyDir once the API server has defaulted it)."""
    allowed = set(params["allowed"])
    volumes = _spec(document).get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not isinstance(volume, dict):
            continue
        for key, value in volume.items():
            if key != "name" and key not in allowed and value is not None:
                yield Violation(f"volume {volume.get('name', index)} uses the {key} volume "
                                f"type (allowed: {', '.join(sorted(allowed))})",
                                (*SPEC, "volumes", index, key))


def run_as_non_root(document: Document, params: Mapping) -> Iterator[Violation]:
    """Running as Non-root: `runAsNonRoot: true` on the pod (and no container setting false),
    or on every container. A pod-level false is itself a violation."""
    spec = _spec(document)
    if user_namespace(spec):
        return
    pod_value = dig(spec, ("securityContext", "runAsNonRoot"))
    if pod_value is not None and pod_value is not True:
        yield Violation(f"the pod sets runAsNonRoot: {show(pod_value)}",
                        (*SPEC, "securityContext", "runAsNonRoot"))
    for container in containers(spec):
        value, path = effective(container.data, "runAsNonRoot")
        if value is True or path[0] == "pod":  # a pod-level false is reported once, above
            continue
        if value is None:
            yield Violation(f"{container.label} does not set runAsNonRoot: true, and neither "
                            "does the pod", in_pod(container, path))
        else:
            yield Violation(f"{container.label} sets runAsNonRoot: {show(value)}",
                            in_pod(container, path))


def run_as_user(document: Document, params: Mapping) -> Iterator[Violation]:
    """Running as Non-root user: `runAsUser` must not be 0, on the pod or on a container."""
    spec = _spec(document)
    if user_namespace(spec):
        return
    if _is_zero(dig(spec, ("securityContext", "runAsUser"))):
        yield Violation("the pod sets runAsUser: 0 (root)", (*SPEC, "securityContext", "runAsUser"))
    for container in containers(spec):
        value, path = effective(container.data, "runAsUser")
        if path[0] == "container" and _is_zero(value):
            yield Violation(f"{container.label} sets runAsUser: 0 (root)", in_pod(container, path))


def seccomp_restricted(document: Document, params: Mapping) -> Iterator[Violation]:
    """Seccomp (restricted): RuntimeDefault or Localhost, set on the pod or on every
    container. Linux only: a Windows pod is exempt."""
    spec = _spec(document)
    if windows(spec):
        return
    pod_profile = dig(spec, ("securityContext", "seccompProfile"))
    if pod_profile is not None and dig(pod_profile, ("type",)) not in SECCOMP_TYPES:
        yield Violation(f"the pod sets seccompProfile.type: {show(dig(pod_profile, ('type',)))}"
                        " (allowed: RuntimeDefault, Localhost)",
                        (*SPEC, "securityContext", "seccompProfile", "type"))
    for container in containers(spec):
        profile, path = effective(container.data, "seccompProfile")
        if path[0] == "pod":  # inherited: fine, or reported once at the pod above
            continue
        if profile is None:
            yield Violation(f"{container.label} sets no seccompProfile (RuntimeDefault or "
                            "Localhost), and neither does the pod", in_pod(container, path))
        elif dig(profile, ("type",)) not in SECCOMP_TYPES:
            yield Violation(f"{container.label} sets seccompProfile.type: "
                            f"{show(dig(profile, ('type',)))} (allowed: RuntimeDefault, "
                            "Localhost)", (*in_pod(container, path), "type"))

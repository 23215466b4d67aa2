"""API versions Kubernetes deprecated and removed, from the official deprecation guide
(https://kubernetes.io/docs/reference/using-api/deprecation-guide/).

(apiVersion, kind) -> (deprecated in, removed in, replacement apiVersion). A kind of `*` stands
for every kind of that apiVersion.
"""

from __future__ import annotations

from typing import NamedTuple


class ApiChange(NamedTuple):
    deprecated: str  # Kubernetes minor version, "1.16"
    removed: str | None
    replacement: str | None


def _table() -> dict[tuple[str, str], ApiChange]:
    rows = [
        # removed in 1.16
        ("extensions/v1beta1", ("Deployment", "DaemonSet", "ReplicaSet"), "1.8", "1.16", "apps/v1"),
        ("extensions/v1beta1", ("NetworkPolicy",), "1.9", "1.16", "networking.k8s.io/v1"),
        ("extensions/v1beta1", ("PodSecurityPolicy",), "1.10", "1.16", "policy/v1beta1"),
        ("apps/v1beta1", ("Deployment", "StatefulSet", "ReplicaSet", "ControllerRevision"),
         "1.9", "1.16", "apps/v1"),
        ("apps/v1beta2", ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                          "ControllerRevision"), "1.9", "1.16", "apps/v1"),
        # removed in 1.22
        ("extensions/v1beta1", ("Ingress",), "1.14", "1.22", "networking.k8s.io/v1"),
        ("networking.k8s.io/v1beta1", ("Ingress", "IngressClass"), "1.19", "1.22",
         "networking.k8s.io/v1"),
        ("admissionregistration.k8s.io/v1beta1", ("MutatingWebhookConfiguration",
         "ValidatingWebhookConfiguration"), "1.16", "1.22", "admissionregistration.k8s.io/v1"),
        ("apiextensions.k8s.io/v1beta1", ("CustomResourceDefinition",), "1.16", "1.22",
         "apiextensions.k8s.io/v1"),
        ("apiregistration.k8s.io/v1beta1", ("APIService",), "1.19", "1.22",
         "apiregistration.k8s.io/v1"),
        ("authentication.k8s.io/v1beta1", ("TokenReview",), "1.19", "1.22",
         "authentication.k8s.io/v1"),
        ("authorization.k8s.io/v1beta1", ("SubjectAccessReview", "LocalSubjectAccessReview",
         "SelfSubjectAccessReview"), "1.19", "1.22", "authorization.k8s.io/v1"),
        ("certificates.k8s.io/v1beta1", ("CertificateSigningRequest",), "1.19", "1.22",
         "certificates.k8s.io/v1"),
        ("coordination.k8s.io/v1beta1", ("Lease",), "1.19", "1.22", "coordination.k8s.io/v1"),
        ("rbac.authorization.k8s.io/v1beta1", ("ClusterRole", "ClusterRoleBinding", "Role",
         "RoleBinding"), "1.17", "1.22", "rbac.authorization.k8s.io/v1"),
        ("scheduling.k8s.io/v1beta1", ("PriorityClass",), "1.14", "1.22",
         "scheduling.k8s.io/v1"),
        ("storage.k8s.io/v1beta1", ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
         "1.19", "1.22", "storage.k8s.io/v1"),
        # removed in 1.25
        ("batch/v1beta1", ("CronJob",), "1.21", "1.25", "batch/v1"),
        ("discovery.k8s.io/v1beta1", ("EndpointSlice",), "1.21", "1.25", "discovery.k8s.io/v1"),
        ("events.k8s.io/v1beta1", ("Event",), "1.19", "1.25", "events.k8s.io/v1"),
        ("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), "1.22", "1.25", "autoscaling/v2"),
        ("policy/v1beta1", ("PodDisruptionBudget",), "1.21", "1.25", "policy/v1"),
        ("policy/v1beta1", ("PodSecurityPolicy",), "1.21", "1.25", None),
        ("node.k8s.io/v1beta1", ("RuntimeClass",), "1.20", "1.25", "node.k8s.io/v1"),
        # removed in 1.26, 1.27, 1.29, 1.32
        ("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), "1.23", "1.26", "autoscaling/v2"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", ("FlowSchema", "PriorityLevelConfiguration"),
         "1.23", "1.26", "flowcontrol.apiserver.k8s.io/v1"),
        ("storage.k8s.io/v1beta1", ("CSIStorageCapacity",), "1.24", "1.27", "storage.k8s.io/v1"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", ("FlowSchema", "PriorityLevelConfiguration"),
         "1.26", "1.29", "flowcontrol.apiserver.k8s.io/v1"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", ("FlowSchema", "PriorityLevelConfiguration"),
         "1.29", "1.32", "flowcontrol.apiserver.k8s.io/v1"),
        # deprecated, still served
        ("v1", ("Endpoints",), "1.33", None, "discovery.k8s.io/v1 EndpointSlice"),
        ("v1", ("ComponentStatus",), "1.19", None, None),
    ]
    return {(api, kind): ApiChange(deprecated, removed, replacement)
            for api, kinds, deprecated, removed, replacement in rows for kind in kinds}


CHANGES = _table()


def minor(version: str) -> int:
    return int(version.split(".")[1])


def change(api_version: str, kind: str) -> ApiChange | None:
    return CHANGES.get((api_version, kind))


def is_removed(api_version: str, kind: str, version: str) -> bool:
    found = CHANGES.get((api_version, kind))
    return bool(found and found.removed and minor(found.removed) <= minor(version))

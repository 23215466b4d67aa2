"""Severity and category of checkov's Kubernetes checks: scaffold's own table.

checkov only reports a severity when it is given a Prisma Cloud API key (offline, every
result has `"severity": null`), so scaffold decides, by this rule of thumb:

- **error**: a direct path from a pod to its node or to cluster admin — privileged or
  host-namespace pods, the Docker socket, `SYS_ADMIN`, RBAC that lets a subject escalate,
  control-plane flags that turn authentication or authorization off, ingress-nginx snippet CVEs,
  Helm v2's Tiller and the Dashboard;
- **info**: hygiene whose absence is not a weakness in itself — probes, requests and limits,
  the pull policy, digests, `default` namespace, "a securityContext exists at all";
- **warning**: everything else, including checks checkov adds in versions newer than this table.

Users change any of them in scaffold's config (`severity: {CKV_K8S_21: warning}`), as for any
code. Categories: probes, tags and digests are reliability, requests and limits efficiency,
the `default` namespace maintainability; every other check is about security.
"""

from __future__ import annotations

from scaffold import Severity

_ERROR = frozenset({
    # PodSecurityPolicy objects that admit host namespaces or privileged pods
    "CKV_K8S_1", "CKV_K8S_2", "CKV_K8S_3", "CKV_K8S_4",
    # pods: privileged, host PID/IPC/network, Docker socket, CAP_SYS_ADMIN
    "CKV_K8S_16", "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "CKV_K8S_27", "CKV_K8S_39",
    # the Kubernetes Dashboard and Helm v2's Tiller
    "CKV_K8S_33", "CKV_K8S_34", "CKV_K8S_44", "CKV_K8S_45",
    # API server / kubelet flags that switch authentication or authorization off
    "CKV_K8S_68", "CKV_K8S_69", "CKV_K8S_70", "CKV_K8S_74", "CKV_K8S_79", "CKV_K8S_86",
    "CKV_K8S_88", "CKV_K8S_138", "CKV_K8S_139",
    # ingress-nginx annotation snippets (CVE-2021-25742)
    "CKV_K8S_152", "CKV_K8S_153", "CKV_K8S_154",
    # RBAC that lets a subject escalate its own privileges
    "CKV_K8S_155", "CKV_K8S_156", "CKV_K8S_157", "CKV_K8S_158",
    "CKV2_K8S_1", "CKV2_K8S_2", "CKV2_K8S_3", "CKV2_K8S_4", "CKV2_K8S_5",
})

_INFO = frozenset({
    "CKV_K8S_8", "CKV_K8S_9",  # liveness and readiness probes
    "CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13",  # CPU and memory requests/limits
    "CKV_K8S_15",  # imagePullPolicy: Always
    "CKV_K8S_21",  # the default namespace
    "CKV_K8S_29", "CKV_K8S_30",  # a securityContext is present at all
    "CKV_K8S_43",  # image by digest
})

_CATEGORIES = {
    "reliability": frozenset({"CKV_K8S_8", "CKV_K8S_9", "CKV_K8S_14", "CKV_K8S_15",
                              "CKV_K8S_43"}),
    "efficiency": frozenset({"CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"}),
    "maintainability": frozenset({"CKV_K8S_21"}),
}


def severity(code: str) -> Severity:
    if code in _ERROR:
        return Severity.ERROR
    if code in _INFO:
        return Severity.INFO
    return Severity.WARNING


def category(code: str) -> str:
    return next((name for name, codes in _CATEGORIES.items() if code in codes), "security")

"""checkov check -> the native policy that reports the same problem (`ToolFinding.equivalent`).

Where both report a problem at the same line, the engine keeps the native finding only: one
problem, one finding. checkov's finding is placed on the field its check evaluated (see
`locate`), which is where the native policy's finding is too; tests/tools/test_checkov.py
checks that on every failing KUBE fixture, and that every entry folds at least once. Checks
with no native counterpart (PodSecurityPolicy objects, control-plane flags, Tiller, the
Dashboard) are not listed and stay as they are.
"""

from __future__ import annotations

EQUIVALENTS: dict[str, str] = {
    # containers and pods
    "CKV_K8S_8": "KUBE005",  # no liveness probe
    "CKV_K8S_9": "KUBE209",  # no readiness probe
    "CKV_K8S_10": "KUBE204",  # no CPU request
    "CKV_K8S_11": "KUBE206",  # no CPU limit
    "CKV_K8S_12": "KUBE205",  # no memory request
    "CKV_K8S_13": "KUBE002",  # no memory limit
    "CKV_K8S_14": "KUBE001",  # image without a tag, or `latest`
    "CKV_K8S_15": "KUBE203",  # imagePullPolicy is not Always
    "CKV_K8S_16": "KUBE003",  # privileged
    "CKV_K8S_17": "KUBE006",  # hostPID
    "CKV_K8S_18": "KUBE006",  # hostIPC
    "CKV_K8S_19": "KUBE006",  # hostNetwork
    "CKV_K8S_20": "KUBE112",  # allowPrivilegeEscalation not false
    "CKV_K8S_21": "KUBE223",  # the default namespace
    "CKV_K8S_22": "KUBE214",  # writable root filesystem
    "CKV_K8S_23": "KUBE004",  # may run as root
    "CKV_K8S_25": "KUBE102",  # added capabilities
    "CKV_K8S_26": "KUBE104",  # hostPort
    "CKV_K8S_27": "KUBE103",  # the Docker socket, a hostPath volume
    "CKV_K8S_28": "KUBE115",  # NET_RAW not dropped (restricted: drop ALL)
    "CKV_K8S_31": "KUBE114",  # no RuntimeDefault seccomp profile
    "CKV_K8S_35": "KUBE220",  # a Secret in an environment variable
    "CKV_K8S_37": "KUBE115",  # capabilities not dropped
    "CKV_K8S_38": "KUBE218",  # service account token mounted
    "CKV_K8S_39": "KUBE102",  # CAP_SYS_ADMIN added
    "CKV_K8S_40": "KUBE215",  # user ID below 10000
    "CKV_K8S_43": "KUBE201",  # image not pinned by digest
    # objects and RBAC
    "CKV_K8S_49": "KUBE331",  # wildcard in a Role or ClusterRole
    "CKV_K8S_152": "KUBE306",  # ingress-nginx snippet (Lua)
    "CKV_K8S_153": "KUBE306",  # ingress-nginx snippet (any)
    "CKV_K8S_154": "KUBE306",  # ingress-nginx snippet (alias)
    "CKV_K8S_157": "KUBE335",  # bind on roles
    "CKV_K8S_158": "KUBE335",  # escalate on roles
    "CKV2_K8S_6": "KUBE406",  # no NetworkPolicy for the pods
}
# Not listed although a native policy is about the same permission: checkov's RBAC graph
# checks (CKV2_K8S_1-5) report on the *binding*, the native KUBE33x policies on the role's
# rule, so the two can never meet on one line; both are kept.

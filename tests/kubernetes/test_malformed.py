"""Fields of the wrong type (a list where a map belongs, a number where a list belongs) are
rejected by the API server; a check meets them in a manifest under review and must report
what it can, never crash (CORE003)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import scan_without_checkov as scan
from conftest import write_tree

WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 2
  selector: {selector}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      serviceAccountName: web
      securityContext: {pod_context}
      volumes: {volumes}
      imagePullSecrets: {pull_secrets}
      containers:
        - name: app
          image: web:1.0.0
          env: {env}
          envFrom: {env_from}
"""
DEFAULTS = dict(selector="{matchLabels: {app: web}}", pod_context="{}", volumes="[]",
                pull_secrets="[]", env="[]", env_from="[]")

OTHERS = """\
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{app: web}}
  ports: {service_ports}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: web, namespace: shop}}
spec:
  tls: {tls}
  rules: {rules}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: web, namespace: shop}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
  egress: [{{to: {peers}}}]
"""
OTHER_DEFAULTS = dict(service_ports="[{name: http, port: 80}]", tls="[{hosts: [a.example.com]}]",
                      rules="[{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, "
                            "backend: {service: {name: web, port: {name: http}}}}]}}]",
                      peers="[]")

CASES = {
    "selector expression key is a list":
        dict(selector="{matchExpressions: [{key: [app], operator: In, values: [web]}]}"),
    "selector expression values are a map":
        dict(selector="{matchExpressions: [{key: app, operator: In, values: {web: 1}}]}"),
    "selector expressions are a number": dict(selector="{matchExpressions: 5}"),
    "sysctl name is a list": dict(pod_context="{sysctls: [{name: [kernel.x], value: '1'}]}"),
    "selinux type is a map": dict(pod_context="{seLinuxOptions: {type: {a: b}}}"),
    "volumes is a number": dict(volumes="5"),
    "configMap name is a list": dict(volumes="[{name: v, configMap: {name: [cm]}}]"),
    "imagePullSecrets is a number": dict(pull_secrets="1.5"),
    "secret name is a map": dict(pull_secrets="[{name: {a: b}}]"),
    "env is a number": dict(env="5"),
    "envFrom is a number": dict(env_from="-1"),
    "service ports is a number": dict(service_ports="5"),
    "tls hosts is a boolean": dict(tls="[{hosts: true}]"),
    "ingress rules is a boolean": dict(rules="true"),
    "ingress paths is a number": dict(rules="[{http: {paths: 5}}]"),
    "backend port is a string": dict(rules="[{http: {paths: [{backend: {service: "
                                           "{name: web, port: http}}}]}}]"),
    "backend service name is a list": dict(rules="[{http: {paths: [{backend: {service: "
                                                 "{name: [web], port: {number: 80}}}}]}}]"),
    "network policy peers is a number": dict(peers="5"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_field_of_the_wrong_type_does_not_crash_a_check(tmp_path: Path, case: str) -> None:
    values = {**DEFAULTS, **OTHER_DEFAULTS, **CASES[case]}
    text = WORKLOAD.format(**values) + OTHERS.format(**values)
    write_tree(tmp_path, {"app.yaml": text})
    report = scan(tmp_path)
    crashed = [f.message for f in report.findings if f.code.startswith("CORE")]
    assert crashed == []
    assert any(f.code.startswith("KUBE") for f in report.findings)

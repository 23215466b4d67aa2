"""RBAC (KUBE330-KUBE339): rules are read with the API server's matching, each finding lands on
the offending rule, aggregated ClusterRoles and non-resource rules are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import scan_without_checkov as scan
from conftest import write_tree
from scaffold_plugins.kubernetes.rbac import Wanted, grants, resource_rules

RBAC_CODES = ("KUBE33",)


def findings(tmp_path: Path, text: str) -> list[tuple[str, int | None, str]]:
    """(code, line, message) of the active RBAC findings for one manifest."""
    write_tree(tmp_path, {"rbac.yaml": text})
    report = scan(tmp_path)
    return sorted((f.code, f.line, f.message) for f in report.findings
                  if f.code.startswith(RBAC_CODES) and f.active)


@pytest.mark.parametrize("text,wanted", [
    ("secrets", Wanted("", "secrets")),
    ("pods/exec", Wanted("", "pods/exec")),
    ("deployments.apps", Wanted("apps", "deployments")),
    ("roles.rbac.authorization.k8s.io", Wanted("rbac.authorization.k8s.io", "roles")),
])
def test_wanted_parse(text: str, wanted: Wanted) -> None:
    assert Wanted.parse(text) == wanted
    assert str(wanted) == text


SECRETS = [Wanted("", "secrets")]
EXEC = [Wanted("", "pods/exec")]


@pytest.mark.parametrize("rule,verbs,wanted,expected", [
    ({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "create"]},
     ["get", "list"], SECRETS, ["get"]),
    ({"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]},
     ["get", "list"], SECRETS, ["get", "list"]),
    ({"apiGroups": ["*"], "resources": ["*"], "verbs": ["list"]}, ["list"], SECRETS, ["list"]),
    ({"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]}, ["get"], SECRETS, []),
    ({"apiGroups": [""], "resources": ["secrets/status"], "verbs": ["get"]},
     ["get"], SECRETS, []),
    ({"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}, ["create"], EXEC, []),
    ({"apiGroups": [""], "resources": ["*/exec"], "verbs": ["create"]},
     ["create"], EXEC, ["create"]),
    ({"apiGroups": [""], "resources": ["*"], "verbs": ["create"]}, ["create"], EXEC, ["create"]),
    ({"apiGroups": [""], "resources": ["*/attach"], "verbs": ["create"]}, ["create"], EXEC, []),
    ({"resources": ["secrets"], "verbs": ["get"]}, ["get"], SECRETS, []),  # no apiGroups
    ({"apiGroups": [""], "resources": "secrets", "verbs": "get"}, ["get"], SECRETS, []),
])
def test_grants(rule: dict, verbs: list[str], wanted: list[Wanted], expected: list[str]) -> None:
    granted_verbs, granted = grants(rule, verbs, wanted)
    assert granted_verbs == expected
    assert granted == (wanted if expected else [])


def test_resource_rules_skip_aggregated_roles_and_non_resource_rules() -> None:
    rules = [{"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
             {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
             "not a rule"]
    assert [i for i, _ in resource_rules({"rules": rules})] == [1]
    aggregated = {"aggregationRule": {"clusterRoleSelectors": []}, "rules": rules}
    assert list(resource_rules(aggregated)) == []
    assert list(resource_rules({"rules": None})) == []


def test_findings_point_at_the_offending_rule(tmp_path: Path) -> None:
    text = """\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: mixed}
        rules:
          - apiGroups: [""]
            resources: ["pods"]
            verbs: ["get", "list"]
          - nonResourceURLs: ["*"]
            verbs: ["*"]
          - apiGroups: [""]
            resources: ["secrets"]
            verbs: ["get", "list"]
          - apiGroups: [""]
            resources: ["pods/exec", "pods/attach"]
            verbs: ["create"]
        """
    assert findings(tmp_path, text) == [
        ("KUBE332", 13, "rules[3] can run commands in pods: it grants create on pods/exec, "
                        "pods/attach."),
        ("KUBE333", 10, "rules[2] can read Secrets: it grants get, list on secrets."),
    ]


def test_full_wildcard_rule_reports_each_risk_once(tmp_path: Path) -> None:
    text = """\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: everything, namespace: shop}
        rules:
          - apiGroups: ["*"]
            resources: ["*"]
            verbs: ["*"]
        """
    found = findings(tmp_path, text)
    assert [code for code, _, _ in found] == [
        "KUBE331", "KUBE332", "KUBE333", "KUBE334", "KUBE335", "KUBE336", "KUBE338", "KUBE339"]
    assert {line for _, line, _ in found} == {5}
    messages = dict((code, message) for code, _, message in found)
    assert messages["KUBE331"].startswith("rules[0] uses `*` in apiGroups, resources, verbs")
    assert messages["KUBE333"].endswith("(through `*` in verbs, apiGroups, resources).")
    assert "deployments.apps" in messages["KUBE334"] and "…" in messages["KUBE334"]


def test_named_secrets_pass_but_named_pods_exec_does_not(tmp_path: Path) -> None:
    text = """\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: named, namespace: shop}
        rules:
          - apiGroups: [""]
            resources: ["secrets"]
            resourceNames: ["api-key"]
            verbs: ["get"]
          - apiGroups: [""]
            resources: ["pods/exec"]
            resourceNames: ["debug-pod"]
            verbs: ["create"]
        """
    assert [(code, line) for code, line, _ in findings(tmp_path, text)] == [("KUBE332", 9)]


def test_bindings_point_at_role_ref_and_subject(tmp_path: Path) -> None:
    text = """\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: bad}
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: cluster-admin
        subjects:
          - kind: ServiceAccount
            name: web
            namespace: shop
          - kind: Group
            name: system:authenticated
        """
    assert [(code, line) for code, line, _ in findings(tmp_path, text)] == [
        ("KUBE330", 7), ("KUBE337", 12)]


def test_rules_of_other_kinds_are_not_rbac(tmp_path: Path) -> None:
    text = """\
        apiVersion: example.com/v1
        kind: Policy
        metadata: {name: not-rbac}
        rules:
          - apiGroups: ["*"]
            resources: ["*"]
            verbs: ["*"]
        subjects:
          - {kind: Group, name: system:anonymous}
        roleRef: {kind: ClusterRole, name: cluster-admin}
        """
    assert findings(tmp_path, text) == []

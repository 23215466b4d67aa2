"""Services, Ingresses, NetworkPolicies, PDBs, HPAs, ConfigMaps and Secrets (KUBE301-KUBE313):
findings land on the line to edit, messages say what is wrong, and secrets are never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import scan_without_checkov as scan
from conftest import write_tree
from scaffold import Document, LineIndex
from scaffold_plugins.kubernetes.objects import (
    _host_covered,
    literal_secret,
    secret_name,
    secret_values,
    unrestricted_rule,
    value_problem,
)


def findings(tmp_path: Path, text: str, code: str) -> list[tuple[int | None, str]]:
    """(line, message) of the active findings of `code` for one manifest."""
    write_tree(tmp_path, {"manifest.yaml": text})
    report = scan(tmp_path)
    return sorted((f.line, f.message) for f in report.findings if f.code == code and f.active)


def lines(tmp_path: Path, text: str, code: str) -> list[int | None]:
    return [line for line, _ in findings(tmp_path, text, code)]


# -- Services ---------------------------------------------------------------------------------

def test_node_port_points_at_type(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          type: NodePort
          ports: [{port: 80}]
        """
    assert lines(tmp_path, text, "KUBE301") == [6]


def test_external_ips_points_at_field(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
          externalIPs:
            - 203.0.113.10
        """
    assert lines(tmp_path, text, "KUBE303") == [7]


def test_public_load_balancer_messages(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata: {name: a}
        spec:
          type: LoadBalancer
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: b}
        spec:
          type: LoadBalancer
          loadBalancerSourceRanges:
            - 10.0.0.0/8
            - "::/0"
          ports: [{port: 80}]
        """
    found = findings(tmp_path, text, "KUBE302")
    assert [line for line, _ in found] == [5, 15]
    assert "no internal-load-balancer annotation" in found[0][1]
    assert "`::/0`" in found[1][1]


def test_internal_annotation_values_compare_without_case(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: internal
          annotations: {networking.gke.io/load-balancer-type: internal}
        spec:
          type: LoadBalancer
          ports: [{port: 80}]
        """
    assert lines(tmp_path, text, "KUBE302") == []


def test_internal_annotations_are_params(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".scaffold.yaml": """\
            params:
              KUBE302:
                internal_annotations:
                  example.com/private-lb: []
            """,
        "manifest.yaml": """\
            apiVersion: v1
            kind: Service
            metadata:
              name: internal
              annotations: {example.com/private-lb: "yes"}
            spec:
              type: LoadBalancer
              ports: [{port: 80}]
            """})
    configured = scan(tmp_path, config=tmp_path / ".scaffold.yaml")
    assert not [f for f in configured.findings if f.code == "KUBE302"]
    assert [f for f in scan(tmp_path).findings if f.code == "KUBE302"]


# -- Ingress ----------------------------------------------------------------------------------

INGRESS_RULE = """\
    - host: {host}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {{name: web, port: {{number: 80}}}}
"""


def test_ingress_without_tls_points_at_spec(tmp_path: Path) -> None:
    text = """\
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          rules:
            - host: shop.example.com
        """
    found = findings(tmp_path, text, "KUBE304")
    assert found == [(4, "Ingress has no `tls` section: it serves plain HTTP.")]


def test_ingress_host_left_out_of_tls_points_at_host(tmp_path: Path) -> None:
    text = """\
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          tls:
            - hosts: [shop.example.com]
              secretName: shop-tls
          rules:
            - host: shop.example.com
            - host: api.example.com
            - http: {}
        """
    found = findings(tmp_path, text, "KUBE304")
    assert [line for line, _ in found] == [10]
    assert "`api.example.com`" in found[0][1]


@pytest.mark.parametrize("host,tls,covered", [
    ("a.example.com", ["a.example.com"], True),
    ("a.example.com", ["*.example.com"], True),
    ("a.b.example.com", ["*.example.com"], False),
    ("example.com", ["*.example.com"], False),
    ("*.example.com", ["*.example.com"], True),
    ("*.example.com", ["a.example.com"], False),
    ("a.example.com", ["b.example.com"], False),
])
def test_tls_host_coverage(host: str, tls: list[str], covered: bool) -> None:
    assert _host_covered(host, tls) is covered


def test_wildcard_host_and_snippet_point_at_their_lines(tmp_path: Path) -> None:
    text = """\
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            nginx.ingress.kubernetes.io/ssl-redirect: "true"
            nginx.ingress.kubernetes.io/server-snippet: |
              return 200;
            nginx.ingress.kubernetes.io/stream-snippet: "x"
        spec:
          tls: [{secretName: default}]
          rules:
            - host: www.example.com
            - host: "*.example.com"
        """
    assert lines(tmp_path, text, "KUBE305") == [14]
    assert lines(tmp_path, text, "KUBE306") == [7, 9]


def test_snippet_annotation_outside_ingress_is_not_checked(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations: {nginx.ingress.kubernetes.io/server-snippet: "return 200;"}
        spec:
          ports: [{port: 80}]
        """
    assert lines(tmp_path, text, "KUBE306") == []


# -- NetworkPolicy ----------------------------------------------------------------------------

@pytest.mark.parametrize("rule,unrestricted", [
    ({}, True),
    ({"from": []}, True),
    ({"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}, True),
    ({"from": [{"podSelector": {}}, {"ipBlock": {"cidr": "::/0"}}]}, True),
    ({"from": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}]}, False),
    ({"from": [{"podSelector": {}}]}, False),
    ({"from": [{"namespaceSelector": {}}]}, False),
    ({"ports": [{"port": 443}]}, False),
    ({"from": [], "ports": []}, True),
    ("not a rule", False),
])
def test_unrestricted_rule(rule, unrestricted: bool) -> None:
    assert unrestricted_rule(rule, "from") is unrestricted


def test_network_policy_points_at_the_open_rule(tmp_path: Path) -> None:
    text = """\
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web}
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
          ingress:
            - from: [{podSelector: {matchLabels: {app: a}}}]
            - {}
          egress:
            - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
        """
    ingress = findings(tmp_path, text, "KUBE307")
    assert ingress == [(9, "ingress rule 1 allows all ingress traffic for every pod of the "
                           "namespace, from any peer on any port.")]
    assert lines(tmp_path, text, "KUBE308") == [11]


def test_network_policy_names_the_selected_pods(tmp_path: Path) -> None:
    text = """\
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress: [{}]
        """
    [(_, message)] = findings(tmp_path, text, "KUBE307")
    assert "for the pods it selects" in message


# -- PodDisruptionBudget and HorizontalPodAutoscaler ------------------------------------------

def test_pdb_points_at_the_field(tmp_path: Path) -> None:
    text = """\
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          minAvailable: "100%"
        """
    assert lines(tmp_path, text, "KUBE309") == [6]


def test_hpa_min_replicas_points_at_value_or_spec(tmp_path: Path) -> None:
    text = """\
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: a}
        spec:
          maxReplicas: 4
          minReplicas: 1
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: b}
        spec:
          maxReplicas: 4
        """
    assert lines(tmp_path, text, "KUBE310") == [6, 11]


def test_hpa_cannot_scale_message(tmp_path: Path) -> None:
    text = """\
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: a}
        spec:
          minReplicas: 2
          maxReplicas: 2
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: b}
        spec:
          maxReplicas: 1
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: c}
        spec:
          maxReplicas: "{{ .Values.max }}"
        """
    found = findings(tmp_path, text, "KUBE311")
    assert [line for line, _ in found] == [6, 12]
    assert "`maxReplicas: 2` is not above `minReplicas: 2`" in found[0][1]
    assert "the default minReplicas 1" in found[1][1]


# -- ConfigMap secrets ------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "password", "DB_PASSWORD", "db.password", "dbPassword", "apiKey", "API_KEY", "api-key",
    "APIKey", "client_secret", "clientSecret", "AWS_SECRET_ACCESS_KEY", "private.key",
    "GITHUB_TOKEN", "auth-token", "SECRET_KEY", "jwt.secret", "DB_PASS", "htpasswd",
])
def test_secret_names(name: str) -> None:
    assert secret_name(name)


@pytest.mark.parametrize("name", [
    "PWD", "username", "DB_PASSWORD_FILE", "secretName", "TOKEN_TTL", "token_url",
    "PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "tls.key", "keycloak", "passenger", "bypass",
    "password.min-length",
])
def test_not_secret_names(name: str) -> None:
    assert not secret_name(name)


@pytest.mark.parametrize("value,literal", [
    ("hunter2", True), ("'quoted-secret'", True), ("", False), ("true", False),
    ("${DB_PASSWORD}", False), ("$DB_PASSWORD", False), ("{{ .Values.password }}", False),
    ("<password>", False), ("changeme", False), ("CHANGE_ME", False), ("***", False),
    ("/run/secrets/db", False), ("xxxx", False), ("$1", False),
    ('os.environ["DB_PASSWORD"]', False), ("process.env.TOKEN", False),
    ("ENV['SECRET_KEY_BASE']", False),
])
def test_literal_secret(value: str, literal: bool) -> None:
    assert literal_secret(value) is literal


def test_configmap_messages_redact_and_point_at_keys(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: web}
        data:
          DB_HOST: postgres
          DB_PASSWORD: s3cr3t-Passw0rd
          app.ini: |
            [database]
            host = db
            password = Tr0ub4dor-and-3
          DATABASE_URL: postgres://shop:hunter22@db:5432/shop
        """
    found = findings(tmp_path, text, "KUBE312")
    assert [line for line, _ in found] == [6, 7, 11]
    messages = " ".join(message for _, message in found)
    for secret in ("s3cr3t-Passw0rd", "Tr0ub4dor-and-3", "hunter22"):
        assert secret not in messages
    assert "`DB_PASSWORD` holds a literal secret (s3…(15 chars))" in messages
    assert "`app.ini` sets `password` to a literal secret" in messages
    assert "a URL with a password" in messages


def test_value_problem_ignores_non_text_values() -> None:
    assert value_problem("password", None) is None
    assert value_problem("password", True) is None
    assert value_problem("password", {"nested": "x"}) is None
    assert value_problem("PORT", 5432) is None
    assert value_problem("pin_password", 4321) is not None  # a number is a literal too


def test_configmap_binary_data_and_other_kinds_are_not_checked(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: web}
        binaryData:
          keystore.jks: AAECAwQ=
        ---
        apiVersion: example.com/v1
        kind: Settings
        metadata: {name: web}
        data:
          password: hunter2-hunter2
        """
    assert lines(tmp_path, text, "KUBE312") == []


# -- Secret manifests -------------------------------------------------------------------------

def test_secret_finding_names_keys_never_values(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        data:
          password: aHVudGVyMg==
          empty: ""
        stringData:
          token: plain-text-token-value
          note: changeme
        """
    found = findings(tmp_path, text, "KUBE313")
    assert [line for line, _ in found] == [4, 7]
    assert "1 value in `data` (`password`)" in found[0][1]
    assert "`token`" in found[1][1] and "`note`" not in found[1][1]
    for _, message in found:
        assert "aHVudGVyMg" not in message and "plain-text" not in message


def test_secret_with_many_keys_is_one_finding(tmp_path: Path) -> None:
    keys = "\n".join(f"  KEY_{n}: value-{n}" for n in range(8))
    text = f"apiVersion: v1\nkind: Secret\nmetadata: {{name: many}}\nstringData:\n{keys}\n"
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    report = scan(tmp_path)
    [finding] = [f for f in report.findings if f.code == "KUBE313"]
    assert finding.message.startswith("Secret holds 8 values in `stringData`")
    assert ", …)" in finding.message


def test_rendered_secrets_are_left_to_their_source() -> None:
    data = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
            "data": {"password": "aHVudGVyMg=="}}
    plain = Document("kubernetes.object", "secret.yaml", 1, data, LineIndex())
    assert len(list(secret_values(plain, {}))) == 1
    rendered = plain._replace(parsed=object())  # a Helm render's or a kustomize build's origin
    assert list(secret_values(rendered, {})) == []

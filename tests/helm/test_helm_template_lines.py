"""Rendered fields are located at the template line that produced them: literal keys by their
path, list items by position, branches by their text, and everything an action produced at the
key it was rendered under. No helm needed: the rendered text is written out here."""

from __future__ import annotations

import textwrap

from scaffold.yamlfile import load_documents
from scaffold_plugins.helm.template_lines import (
    TEMPLATED_KEY,
    line_for_text,
    outline,
    pick_segment,
    rendered_paths,
    split_key,
    template_index,
)


def _located(template: str, rendered: str, kind_ordinal: int = 0):
    """(data, locate) for the first rendered document, located in the template."""
    template, rendered = textwrap.dedent(template), textwrap.dedent(rendered)
    segments = outline(template)
    document = load_documents(rendered)[0]
    segment = pick_segment(segments, document.data.get("kind"),
                           rendered_paths(document.data), kind_ordinal)
    index = template_index(document.data, document.lines, rendered.split("\n"), segment)
    return document.data, lambda *path: index.locate(document.data, path)


DEPLOYMENT = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ include "web.fullname" . }}
      labels:
        {{- include "web.labels" . | nindent 4 }}
    spec:
      {{- if not .Values.autoscaling }}
      replicas: {{ .Values.replicas }}
      {{- end }}
      template:
        spec:
          securityContext:
            {{- toYaml .Values.podSecurityContext | nindent 8 }}
          containers:
            - name: app
              image: "{{ .Values.image }}"
              {{- if .Values.debug }}
              args: ["--debug"]
              {{- else }}
              args: ["--quiet"]
              {{- end }}
              ports:
                - name: http
                  containerPort: {{ .Values.port }}
                - name: metrics
                  containerPort: {{ .Values.metricsPort }}
            - name: sidecar
              image: busybox:1.37.0
"""

RENDERED = """\
    # Source: web/templates/deployment.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels:
        app: web
        tier: front
    spec:
      replicas: 3
      template:
        spec:
          securityContext:
            runAsUser: 0
            fsGroup: 2000
          containers:
            - name: app
              image: "nginx:1.27"
              args: ["--quiet"]
              ports:
                - name: http
                  containerPort: 8080
                - name: metrics
                  containerPort: 9090
            - name: sidecar
              image: busybox:1.37.0
"""


def test_literal_keys_are_found_by_their_path() -> None:
    _, locate = _located(DEPLOYMENT, RENDERED)
    assert locate("kind") == 2
    assert locate("metadata", "name") == 4
    assert locate("spec", "replicas") == 9
    assert locate("spec", "template", "spec", "containers", 0, "image") == 17


def test_fields_an_action_produced_land_on_the_key_they_were_rendered_under() -> None:
    _, locate = _located(DEPLOYMENT, RENDERED)
    assert locate("metadata", "labels", "tier") == 5  # from `include ... | nindent`
    assert locate("spec", "template", "spec", "securityContext", "runAsUser") == 13  # toYaml


def test_list_items_are_told_apart_by_position() -> None:
    _, locate = _located(DEPLOYMENT, RENDERED)
    containers = ("spec", "template", "spec", "containers")
    assert locate(*containers, 0) == 16
    assert locate(*containers, 1) == 28
    assert locate(*containers, 1, "image") == 29
    assert locate(*containers, 0, "ports", 1, "containerPort") == 27


def test_the_branch_that_rendered_is_the_one_found() -> None:
    _, locate = _located(DEPLOYMENT, RENDERED)
    assert locate("spec", "template", "spec", "containers", 0, "args") == 21  # the else


def test_a_field_the_output_does_not_have_is_not_located_at_a_sibling() -> None:
    # The sidecar has no ports: a check looking for them must not land on the app's.
    _, locate = _located(DEPLOYMENT, RENDERED)
    assert locate("spec", "template", "spec", "containers", 1, "ports") == 28


def test_items_a_range_rendered_all_point_at_the_one_template_item() -> None:
    template = """\
        kind: Pod
        spec:
          containers:
            {{- range .Values.containers }}
            - name: {{ .name }}
              image: {{ .image }}
            {{- end }}
        """
    rendered = """\
        kind: Pod
        spec:
          containers:
            - name: a
              image: a:1
            - name: b
              image: b:1
            - name: c
              image: c:1
        """
    _, locate = _located(template, rendered)
    assert [locate("spec", "containers", i, "image") for i in range(3)] == [6, 6, 6]


def test_block_scalar_content_is_not_read_as_keys() -> None:
    template = """\
        kind: ConfigMap
        data:
          app.yaml: |
            kind: Secret
            data:
              level: debug
          level: {{ .Values.level }}
        """
    rendered = """\
        kind: ConfigMap
        data:
          app.yaml: |
            kind: Secret
            data:
              level: debug
          level: info
        """
    data, locate = _located(template, rendered)
    assert locate("kind") == 1
    assert locate("data", "level") == 7
    assert locate("data", "app.yaml") == 3


def test_documents_of_one_template_are_matched_by_kind_and_order() -> None:
    template = textwrap.dedent("""\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-config
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-extra
        """)
    segments = outline(template)
    assert [(s.kind, s.first_line) for s in segments] == [
        ("Service", 1), ("ConfigMap", 6), ("ConfigMap", 11)]
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    assert pick_segment(segments, "ConfigMap", rendered_paths(config), 0).first_line == 6
    assert pick_segment(segments, "ConfigMap", rendered_paths(config), 1).first_line == 11
    assert pick_segment(segments, "Service", rendered_paths(config), 0).first_line == 1


def test_a_segment_with_a_templated_kind_is_chosen_by_the_keys_it_shares() -> None:
    template = textwrap.dedent("""\
        {{- range .Values.jobs }}
        ---
        apiVersion: batch/v1
        kind: {{ .kind }}
        spec:
          schedule: {{ .schedule | quote }}
        {{- end }}
        """)
    segments = outline(template)
    assert len(segments) == 1 and segments[0].kind is None
    job = {"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"schedule": "@daily"}}
    assert pick_segment(segments, "CronJob", rendered_paths(job), 3).first_line == 3


def test_multi_line_actions_and_comments_are_skipped() -> None:
    template = """\
        {{/*
        kind: NotThis
        */}}
        kind: Pod
        metadata:
          labels: {{- include "labels" (dict
              "a" 1
              "b" 2) | nindent 4 }}
          name: web
        """
    rendered = """\
        kind: Pod
        metadata:
          labels:
            a: "1"
          name: web
        """
    _, locate = _located(template, rendered)
    assert locate("kind") == 4
    assert locate("metadata", "labels", "a") == 6
    assert locate("metadata", "name") == 9


def test_lists_at_the_same_indent_as_their_key() -> None:
    template = """\
        kind: Pod
        spec:
          containers:
          - name: app
            image: nginx:1.27
          - name: sidecar
            image: busybox:1.37.0
          volumes:
          - name: data
        """
    rendered = textwrap.dedent(template)
    _, locate = _located(template, rendered)
    assert locate("spec", "containers", 1, "image") == 7
    assert locate("spec", "volumes", 0, "name") == 9


def test_quoted_and_templated_keys() -> None:
    assert split_key('"app.kubernetes.io/name": web') == ("app.kubernetes.io/name", "web")
    assert split_key("'it''s': x") == ("it's", "x")
    assert split_key("{{ .Values.key }}: value")[0] == TEMPLATED_KEY
    assert split_key("prefix-{{ .x }}: value")[0] == TEMPLATED_KEY
    assert split_key("{{- if .Values.enabled }}") is None
    assert split_key('image: "{{ .Values.repo }}:{{ .Values.tag }}"')[0] == "image"
    assert split_key("- --port=8080") is None
    assert split_key("http://example.com:8080/") is None
    template = """\
        kind: Pod
        metadata:
          annotations:
            "helm.sh/hook": test
            {{ .Values.annotationKey }}: "yes"
        """
    rendered = """\
        kind: Pod
        metadata:
          annotations:
            "helm.sh/hook": test
            team: "yes"
        """
    _, locate = _located(template, rendered)
    assert locate("metadata", "annotations", "helm.sh/hook") == 4
    assert locate("metadata", "annotations", "team") == 3  # the templated key: its parent


def test_a_rendered_line_is_found_from_its_text_when_the_output_is_not_yaml() -> None:
    segments = outline(textwrap.dedent(DEPLOYMENT))
    assert line_for_text(segments, "      image: busybox:1.37.0") == 29  # literal text
    assert line_for_text(segments, "    replicas: 7") == 9  # by its key
    assert line_for_text(segments, "    unknownKey: 1") is None


def test_a_template_without_structure_gives_no_segment() -> None:
    assert outline("{{- include \"all\" . }}\n") == []
    assert pick_segment([], "Pod", set(), 0) is None

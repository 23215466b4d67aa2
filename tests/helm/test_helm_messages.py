"""Helm's error and lint messages, as helm 4 (and helm 3) print them, read into a file, a line
and a message that does not repeat the location."""

from __future__ import annotations

from scaffold_plugins.helm.messages import Location, chart_field, explain, lint_messages, one_line
from scaffold_plugins.helm.render import lint_problems, release_name, split_output


def test_helm4_execution_error_over_several_lines() -> None:
    raw = ('Error: web/templates/deployment.yaml:9:22\n'
           '  executing "web/templates/deployment.yaml" at <.Values.nope.deeper>:\n'
           '    nil pointer evaluating interface {}.deeper\n\n'
           'Use --debug flag to render out invalid YAML\n')
    explained = explain(one_line(raw))
    assert explained.location == Location("web/templates/deployment.yaml", 9)
    assert explained.text == "nil pointer evaluating interface {}.deeper at <.Values.nope.deeper>"


def test_helm3_execution_error() -> None:
    explained = explain('template: web/templates/svc.yaml:4:12: executing '
                        '"web/templates/svc.yaml" at <.Values.port>: wrong type for value')
    assert explained.location == Location("web/templates/svc.yaml", 4)
    assert explained.text == "wrong type for value at <.Values.port>"


def test_error_inside_an_include_points_at_the_helper_and_says_where_it_was_called() -> None:
    message = ('web/templates/service.yaml:6:8 executing "web/templates/service.yaml" at '
               '<include "web.labels" .>: error calling include: web/templates/_helpers.tpl:2:15 '
               'executing "web.labels" at <.Values.app.name>: nil pointer evaluating '
               'interface {}.name')
    explained = explain(message)
    assert explained.location == Location("web/templates/_helpers.tpl", 2)
    assert explained.text == ("nil pointer evaluating interface {}.name at <.Values.app.name> "
                              "in 'web.labels', included from templates/service.yaml:6")


def test_required_and_fail() -> None:
    explained = explain("execution error at (web/templates/configmap.yaml:6:12): "
                        "level is required")
    assert explained == (Location("web/templates/configmap.yaml", 6), "level is required")


def test_parse_error() -> None:
    explained = explain('parse error at (web/templates/x.yaml:42): unexpected "}" in operand')
    assert explained == (Location("web/templates/x.yaml", 42),
                         'template syntax error: unexpected "}" in operand')


def test_yaml_error_in_rendered_output_is_a_line_of_the_output() -> None:
    explained = explain("YAML parse error on web/templates/x.yaml: error converting YAML to "
                        "JSON: yaml: line 27: mapping values are not allowed in this context")
    assert explained.location == Location("web/templates/x.yaml", 27, rendered=True)
    assert explained.text == ("renders invalid YAML: mapping values are not allowed in this "
                              "context (line 27 of the rendered output)")


def test_values_file_that_is_not_yaml() -> None:
    explained = explain("failed to parse /work/c/values-dev.yaml: cannot unmarshal yaml "
                        "document: error converting YAML to JSON: yaml: line 2: did not find "
                        "expected node content")
    assert explained.location == Location("/work/c/values-dev.yaml", 2)
    assert explained.text == "helm cannot read values-dev.yaml: did not find expected node content"


def test_anything_else_is_kept_whole_without_a_location() -> None:
    text = "validation: chart.metadata.name is required"
    assert explain(text) == (Location(None, None), text)
    assert chart_field(text) == "name"
    assert chart_field("version should be of type string but it's of type float64") == "version"
    assert chart_field("icon is recommended") == "icon"
    assert chart_field("something else happened") is None


def test_lint_output_with_continuation_lines() -> None:
    output = ("==> Linting web\n"
              "[INFO] Chart.yaml: icon is recommended\n"
              "[ERROR] templates/: web/templates/x.yaml:9:22\n"
              '  executing "web/templates/x.yaml" at <.Values.a.b>:\n'
              "    nil pointer evaluating interface {}.b\n"
              "[ERROR] : unable to load chart\n"
              "\tvalidation: chart.metadata.type must be application or library\n"
              "[ERROR] Chart.yaml: invalid icon URL 'web.png'\n"
              "\n"
              "Error: 1 chart(s) linted, 1 chart(s) failed\n")
    found = lint_messages(output)
    assert [(m.severity, m.path) for m in found] == [
        ("INFO", "Chart.yaml"), ("ERROR", "templates/"), ("ERROR", ""), ("ERROR", "Chart.yaml")]
    assert found[2].message == ("unable to load chart validation: chart.metadata.type must be "
                                "application or library")
    problems = lint_problems(found)  # the template error is the render's to report
    assert [p.message for p in problems] == [found[2].message, "invalid icon URL 'web.png'"]


def test_lint_says_a_problem_once() -> None:
    found = lint_messages("[ERROR] templates/: validation: chart.metadata.type must be x\n"
                          "[ERROR] : unable to load chart\n"
                          "\tvalidation: chart.metadata.type must be x\n")
    assert [p.message for p in lint_problems(found)] == ["validation: chart.metadata.type must be x"]


def test_split_output_keeps_source_and_line_numbers() -> None:
    output = ("---\n# Source: web/templates/a.yaml\napiVersion: v1\nkind: A\n"
              "---\n# Source: web/templates/a.yaml\napiVersion: v1\nkind: B\n"
              "---\n# Source: web/templates/empty.yaml\n"
              "---\n# Source: web/templates/b.yaml\napiVersion: v1\nkind: C\n")
    manifests = split_output(output)
    assert [(m.source, m.text.split("\n")[2]) for m in manifests] == [
        ("web/templates/a.yaml", "kind: A"), ("web/templates/a.yaml", "kind: B"),
        ("web/templates/b.yaml", "kind: C")]


def test_release_name_is_the_chart_name_when_it_can_be() -> None:
    assert release_name({"name": "web"}) == "web"
    assert release_name({"name": "My_Chart"}) == "my-chart"
    assert release_name({"name": False}) == "release"  # `name: n` is YAML 1.1's false
    assert len(release_name({"name": "x" * 80})) == 53

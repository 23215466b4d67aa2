"""The plugin host: built-ins and third-party plugins take the same path; a broken plugin is
reported and the rest run; every hook is documented and exercised (test_hook_<name>)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, codes, run_cli, write_tree
from scaffold import api, hookimpl
from scaffold.errors import PluginError
from scaffold.plugins import PluginHost

SAMPLE = REPO / "tests" / "plugin_fixtures"
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
    - {name: app, image: "nginx:latest"}
"""


def install_plugin(site: Path, name: str, module: str, source: str | Path) -> Path:
    """Make `site` hold an installed distribution registering `module` under the entry-point
    group, as pip would: put `site` on PYTHONPATH and scaffold finds it."""
    site.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        shutil.copy(source, site / f"{module}.py")
    else:
        (site / f"{module}.py").write_text(textwrap.dedent(source), "utf-8")
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[scaffold]\n{name} = {module}\n")
    return site


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    site = install_plugin(tmp_path / "site", "sample", "sample_plugin",
                          SAMPLE / "sample_plugin.py")
    shutil.copytree(SAMPLE / "sample_policies", site / "sample_policies")
    return site


def _sample_tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "project", {
        "app.ini": "[main]\npassword = hunter2-very-secret\ndebug = true\n",
        "pod.yaml": POD,
    })


# -- built-ins take the third-party path ----------------------------------------------------


def test_builtin_plugins_load_through_entry_points() -> None:
    infos = {info.name: info for info in PluginHost().infos()}
    for name in ("dockerfile", "kubernetes", "reports", "yaml"):
        assert infos[name].status == "loaded"
        assert infos[name].module.startswith("scaffold_plugins.")


def test_plugins_command_lists_builtin_and_installed_alike(sample_site: Path, tmp_path: Path):
    result = run_cli("plugins", "--format", "json", cwd=tmp_path,
                     env={"PYTHONPATH": str(sample_site)})
    assert result.returncode == 0, result.stderr
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert listed["sample"]["status"] == "loaded" and listed["sample"]["version"] == "1.0"
    assert "scaffold_parse" in listed["sample"]["hooks"]
    assert listed["kubernetes"]["status"] == "loaded"


# -- one test per hook (a meta-test below keeps this list complete) -------------------------


def test_hook_scaffold_targets(sample_site: Path, tmp_path: Path) -> None:
    result = run_cli("policies", "--format", "json", cwd=tmp_path,
                     env={"PYTHONPATH": str(sample_site)})
    targets = {p["code"]: p["target"] for p in json.loads(result.stdout)["policies"]}
    assert targets["INI001"] == "sample.ini"


def test_hook_scaffold_policy_dirs(sample_site: Path, tmp_path: Path) -> None:
    result = run_cli("explain", "INI002", cwd=tmp_path, env={"PYTHONPATH": str(sample_site)})
    assert result.returncode == 0, result.stderr
    assert "Debug mode is on" in result.stdout


def test_hook_scaffold_checks(sample_site: Path, tmp_path: Path) -> None:
    project = _sample_tree(tmp_path)
    result = run_cli("check", "--format", "json", "--output", "-", cwd=project,
                     env={"PYTHONPATH": str(sample_site)})
    findings = json.loads(result.stdout)["findings"]
    secret = [f for f in findings if f["code"] == "INI001"]
    assert [(f["path"], f["line"]) for f in secret] == [("app.ini", 2)]
    assert "hunter2-very-secret" not in result.stdout  # redacted, never echoed in full
    assert "hu…(19 chars)" in secret[0]["message"]


def test_hook_scaffold_report_formats(sample_site: Path, tmp_path: Path) -> None:
    project = _sample_tree(tmp_path)
    result = run_cli("check", "--format", "codes", cwd=project,
                     env={"PYTHONPATH": str(sample_site)})
    assert "INI001\nINI002\n" in result.stdout
    assert result.returncode == 1  # INI001 is an error


def test_hook_scaffold_parse(sample_site: Path, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {"bad.ini": "[main]\nthis line has no equals\n"})
    result = run_cli("check", cwd=project, env={"PYTHONPATH": str(sample_site)})
    assert "bad.ini:2: CORE001" in result.stdout
    assert "expected key = value" in result.stdout


def test_hook_scaffold_prepare(sample_site: Path, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {"app.ini": "[main]\ndebug = true\n"})
    env = {"PYTHONPATH": str(sample_site)}
    report = json.loads(run_cli("check", "--format", "json", cwd=project, env=env).stdout)
    assert [f["code"] for f in report["findings"]] == ["INI002"]  # parsed, after prepare
    (project / "prepare-fails").write_text("")
    report = json.loads(run_cli("check", "--format", "json", cwd=project, env=env).stdout)
    problems = [f["message"] for f in report["findings"] if f["code"] == "CORE003"]
    assert len(problems) == 1
    assert problems[0].startswith("plugin 'sample' failed preparing the scan: RuntimeError: "
                                  "cannot prepare")


def test_hook_scaffold_classify(sample_site: Path, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {
        "app.ini": "[main]\ndebug = true\n",
        "vendor/lib.ini": "[main]\ndebug = true\nthis line has no equals\n",
    })
    result = run_cli("check", "--format", "json", cwd=project,
                     env={"PYTHONPATH": str(sample_site)})
    paths = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert paths == {"app.ini"}  # the vendored file is not parsed as an INI file at all


def test_hook_scaffold_tree_documents(sample_site: Path, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {
        "a.ini": "[main]\nname = a\nport = 1\n",
        "b.ini": "[main]\nport = 2\n",
        "c.ini": "[main]\nother = 3\n",
    })
    result = run_cli("check", "--format", "json", "--select", "INI003", cwd=project,
                     env={"PYTHONPATH": str(sample_site)})
    report = json.loads(result.stdout)
    found = {(f["path"], f["line"], f["message"]) for f in report["findings"]}
    assert found == {("a.ini", 3, "port is also set in b.ini"),
                     ("b.ini", 2, "port is also set in a.ini")}
    assert {(r["path"], r["passed"]) for r in report["results"] if r["code"] == "INI003"} == {
        ("a.ini", False), ("b.ini", False), ("c.ini", True)}


def test_hook_scaffold_external_rules(sample_site: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(sample_site)}
    explained = run_cli("explain", "PYC001", cwd=tmp_path, env=env)
    assert explained.returncode == 0, explained.stderr
    assert "a python-compile rule" in explained.stdout
    assert "https://docs.python.org/3/library/py_compile.html#PYC001" in explained.stdout
    listing = json.loads(run_cli("policies", "--format", "json", cwd=tmp_path, env=env).stdout)
    (pyc,) = [rules for rules in listing["external"] if rules["prefix"] == "PYC"]
    assert pyc["tool"] == "python-compile" and pyc["category"] == "reliability"
    assert run_cli("check", "--select", "PYC", cwd=tmp_path, env=env).returncode == 0
    assert run_cli("check", "--select", "PYC", cwd=tmp_path).returncode == 2  # not installed


def test_hook_scaffold_run_tool(sample_site: Path, tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {
        "good.py": "x = 1\n",
        "bad.py": "x = 1\ndef broken(:\n",
        "ignored.py": "# scaffold: ignore=PYC001 -- generated on purpose\nif True\n",
        "pod.yaml": POD,
    })
    result = run_cli("check", "--format", "json", cwd=project, env={"PYTHONPATH": str(sample_site)})
    report = json.loads(result.stdout)
    found = {(f["path"], f["line"], f["code"], f["suppressed"]) for f in report["findings"]
             if f["code"] == "PYC001"}
    assert found == {("bad.py", 2, "PYC001", None), ("ignored.py", 2, "PYC001", "inline")}
    results = {(r["path"], r["passed"]) for r in report["results"] if r["code"] == "PYC001"}
    assert results == {("bad.py", False), ("good.py", True), ("ignored.py", False)}
    assert result.returncode == 1


def test_every_hook_is_exercised_here() -> None:
    source = Path(__file__).read_text("utf-8")
    for hook in PluginHost.hook_names():
        assert f"def test_hook_{hook}(" in source, f"no test_hook_{hook}"


# -- broken plugins -------------------------------------------------------------------------


class _Raising:
    @hookimpl
    def scaffold_parse(self, source):
        if source.name == "pod.yaml":
            raise ValueError("boom")
        return None


def test_plugin_raising_in_parse_is_reported_and_scan_goes_on(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD})
    context = api.load_context([tmp_path], isolated=True, extra_plugins={"raiser": _Raising()})
    report = api.check(context, [tmp_path])
    failure = [f for f in report.findings if f.code == "CORE003"]
    assert len(failure) == 1
    assert failure[0].path == "pod.yaml"
    assert "'raiser'" in failure[0].message and "ValueError: boom" in failure[0].message
    assert "KUBE001" in codes(report)  # the other plugins still ran


class _RaisingCheck:
    @hookimpl
    def scaffold_targets(self):
        from scaffold import Target
        return [Target("raising.txt", "text", "x.txt")]


def test_plugin_failing_to_load_is_reported(tmp_path: Path) -> None:
    site = install_plugin(tmp_path / "site", "broken", "broken_plugin",
                          "raise ImportError('missing dependency foo')\n")
    project = write_tree(tmp_path / "project", {"pod.yaml": POD})
    result = run_cli("check", cwd=project, env={"PYTHONPATH": str(site)})
    assert "could not load plugin 'broken'" in result.stdout
    assert "missing dependency foo" in result.stdout
    assert "KUBE001" in result.stdout  # the scan went on
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    listing = run_cli("plugins", cwd=project, env={"PYTHONPATH": str(site)})
    assert "failed" in listing.stdout and listing.returncode == 0


def test_a_plugin_named_like_a_builtin_is_reported_not_silently_dropped(tmp_path: Path):
    site = install_plugin(tmp_path / "site", "kubernetes", "my_kubernetes",
                          "from scaffold import hookimpl\n")
    project = write_tree(tmp_path / "project", {"pod.yaml": POD})
    result = run_cli("check", cwd=project, env={"PYTHONPATH": str(site)})
    assert "plugin name 'kubernetes' is taken by" in result.stdout
    assert "my_kubernetes was not loaded" in result.stdout
    assert "KUBE001" in result.stdout  # the built-in still runs


def test_unknown_hook_name_fails_at_startup(tmp_path: Path) -> None:
    site = install_plugin(tmp_path / "site", "typo", "typo_plugin", """
        from scaffold import hookimpl

        @hookimpl
        def scaffold_parsee(source):
            return None
    """)
    result = run_cli("check", cwd=tmp_path, env={"PYTHONPATH": str(site)})
    assert result.returncode == 2
    assert "plugin 'typo' implements unknown hook 'scaffold_parsee'" in result.stderr
    assert "--disable-plugin typo" in result.stderr
    assert "Traceback" not in result.stderr
    disabled = run_cli("check", "--disable-plugin", "typo", cwd=tmp_path,
                       env={"PYTHONPATH": str(site)})
    assert disabled.returncode == 0, disabled.stderr


def test_plugins_can_be_disabled_by_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pod.yaml": POD})
    assert "KUBE001" in run_cli("check", cwd=tmp_path).stdout
    off = run_cli("check", "--disable-plugin", "kubernetes", cwd=tmp_path)
    assert "KUBE001" not in off.stdout and off.returncode == 0
    write_tree(tmp_path, {".scaffold.yaml": "disable-plugins: [kubernetes]\n"})
    listing = run_cli("plugins", cwd=tmp_path)
    assert "disabled" in listing.stdout


def test_two_plugins_contributing_the_same_check_name_are_refused() -> None:
    from scaffold import Check

    class One:
        @hookimpl
        def scaffold_checks(self):
            return [Check("same.name", lambda d, p: ())]

    with pytest.raises(PluginError, match="check 'same.name' is contributed by both"):
        api.load_context(isolated=True, extra_plugins={"one": One(), "two": One()})


def test_a_check_that_raises_is_reported_with_plugin_and_policy(tmp_path: Path) -> None:
    from scaffold import Check

    class Broken:
        @hookimpl
        def scaffold_checks(self):
            def explode(document, params):
                raise KeyError("spec")
            return [Check("broken.explode", explode)]

        @hookimpl
        def scaffold_policy_dirs(self):
            return [tmp_path / "policies"]

    write_tree(tmp_path, {"policies/explode.yaml": """\
        code: BRK001
        name: explode
        title: Always explodes
        category: reliability
        severity: warning
        target: kubernetes.object
        check: broken.explode
        message: never shown
        rationale: this check exists to raise an exception
        remediation: nothing to do, it is a test
        """, "src/pod.yaml": POD})
    context = api.load_context([tmp_path / "src"], isolated=True,
                               extra_plugins={"broken": Broken()})
    report = api.check(context, [tmp_path / "src"])
    failures = [f for f in report.findings if f.code == "CORE003"]
    assert failures and "'broken'" in failures[0].message
    assert "broken.explode" in failures[0].message and "BRK001" in failures[0].message
    assert failures[0].path == "pod.yaml" and failures[0].line == 2


def test_plugin_returning_something_else_than_documents_is_reported(tmp_path: Path) -> None:
    class Sloppy:
        @hookimpl
        def scaffold_parse(self, source):
            return ["not a document"] if source.name == "pod.yaml" else None

    write_tree(tmp_path, {"pod.yaml": POD})
    context = api.load_context(isolated=True, extra_plugins={"sloppy": Sloppy()})
    report = api.check(context, [tmp_path])
    assert any(f.code == "CORE003" and "'sloppy'" in f.message for f in report.findings)

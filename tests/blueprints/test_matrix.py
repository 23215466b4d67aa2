"""The blueprint's promise over a pairwise matrix of answers: every output scores 100 under
`scaffold check` with every policy on, and passes every real external validator.

All rows are rendered once per session. Each external tool then runs once over all outputs
(one yamllint, one shellcheck, one hadolint, one check-jsonschema per schema, one checkov),
not once per row: the tools' start-up would otherwise dominate. The parts' own modules test
their variations in depth; this one proves the parts compose in every pairing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from kit import check_output, files, finding_lines, render, tool, unrendered, walk
from pairwise import pairwise

pytestmark = pytest.mark.blueprints

FACTORS = {
    "runtime": ["python", "node", "go", "java", "static"],
    "datastores": [[], ["postgres"], ["mariadb"], ["mongodb"], ["redis"], ["postgres", "redis"],
                   ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]],
    "deploy_targets": [["compose"], ["kubernetes"], ["helm"], ["compose", "kubernetes", "helm"]],
    "monitoring": ["none", "metrics", "standard", "full"],
    "tls_mode": ["letsencrypt", "selfsigned", "none"],
    "ci_provider": ["github", "gitlab"],
}
FIXED = {
    "defaults": {},
    "everything": {"datastores": FACTORS["datastores"][-1], "monitoring": "full",
                   "extras": ["nix", "ecs"], "security_scanners": ["trivy", "gitleaks", "checkov"]},
    "least": {"datastores": [], "deploy_targets": ["compose"], "reverse_proxy": "none",
              "monitoring": "none", "ci_provider": "none", "environments": ["prod"]},
    "hostile": {"project_name": 'Café "Bar": v2', "description": "Serves: 'quoted' things — and more",
                "owner_email": "o'brien+ops@example.com", "domain": "xn--caf-dma.example.com"},
    "no-isolation": {"network_policy": False, "pod_disruption_budget": False, "replicas": 1,
                     "hpa_min_replicas": 1, "hpa_max_replicas": 1, "environments": ["dev"]},
}
# Python's None rendered where a value belongs (`: None`, `=None`, `"None"`), not the word.
NONE = re.compile(r"""(:\s*None\s*$|=None\b|["']None["'])""", re.MULTILINE)
ROWS = {**FIXED, **{f"pair{n:02}": row for n, row in enumerate(pairwise(FACTORS))}}


@pytest.fixture(scope="session")
def outputs(blueprint_template: Path, tmp_path_factory) -> dict[str, Path]:
    """Every row rendered once, in as many processes as there are cores (~1 s per row)."""
    root = tmp_path_factory.mktemp("matrix")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {name: pool.submit(render, blueprint_template, root / name, **answers)
                   for name, answers in ROWS.items()}
        return {name: future.result() for name, future in futures.items()}


def _distinct(paths: list[str], folder: Path) -> list[str]:
    """One copy of each distinct file content (rows share most files), named by its hash
    and keeping its file name's suffix: each tool then reads each content once."""
    folder.mkdir(parents=True, exist_ok=True)
    kept = {}
    for path in paths:
        content = Path(path).read_bytes()
        digest = hashlib.sha256(content).hexdigest()[:16]
        if digest not in kept:
            target = folder / f"{digest}-{Path(path).name}"
            target.write_bytes(content)
            kept[digest] = str(target)
    return sorted(kept.values())


def _all(outputs: dict[str, Path], *suffixes: str) -> list[str]:
    return [str(path) for out in outputs.values() for path in walk(out, *suffixes)]


def _run(*command: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("name", ROWS)
def test_every_row_scores_100_with_every_policy(outputs: dict[str, Path], name: str) -> None:
    report = check_output(outputs[name])
    assert finding_lines(report) == [], ROWS[name]
    assert report.score.score == 100 and not report.notes, report.notes


@pytest.mark.parametrize("name", ROWS)
def test_every_file_is_rendered_and_parses(outputs: dict[str, Path], name: str) -> None:
    out = outputs[name]
    assert unrendered(out) == []
    for path, content in files(out).items():
        text = content.decode("utf-8")
        assert not NONE.search(text), f"{path}: a None placeholder"
        if path.endswith((".yaml", ".yml")) and "/templates/" not in path:
            list(yaml.safe_load_all(text))
        elif path.endswith(".json"):
            json.loads(text)
    for script in walk(out, ".sh"):
        assert os.access(script, os.X_OK), f"{script} is not executable"


def test_the_shipped_config_turns_no_policy_off(outputs: dict[str, Path]) -> None:
    for out in outputs.values():
        config = yaml.safe_load((out / ".scaffold.yaml").read_text("utf-8"))
        assert not {"select", "ignore", "disable-plugins", "severity"} & set(config)
        assert all(exemption.get("reason") for exemption in config.get("exemptions", []))


def test_yamllint_passes_everywhere(outputs: dict[str, Path]) -> None:
    config = next(iter(outputs.values())) / ".yamllint.yaml"
    result = _run(tool("yamllint"), "--strict", "-f", "parsable", "-c", str(config),
                  *(str(out) for out in outputs.values()))
    assert result.returncode == 0, result.stdout[-4000:]


def test_hadolint_passes_every_dockerfile(outputs: dict[str, Path]) -> None:
    dockerfiles = [str(out / name) for out in outputs.values()
                   for name in ("Dockerfile", "Dockerfile.dev")]
    result = _run(tool("hadolint"), "--no-color", *dockerfiles)
    assert result.returncode == 0, result.stdout[-4000:]


def test_shellcheck_passes_every_script(outputs: dict[str, Path], tmp_path: Path) -> None:
    scripts = _distinct(_all(outputs, ".sh"), tmp_path / "scripts")
    assert scripts
    result = _run(tool("shellcheck"), "--severity=style", *scripts)
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.parametrize("schema,pattern", [
    ("vendor.compose-spec", ("compose.yaml", "compose.prod.yaml", "data.yaml", "infra.yaml",
                             "app.yaml")),
    ("vendor.github-workflows", (".github/workflows/",)),
    ("vendor.dependabot", (".github/dependabot.yml",)),
    ("vendor.gitlab-ci", (".gitlab-ci.yml",)),
])
def test_files_match_their_official_schema(outputs: dict[str, Path], schema: str,
                                           pattern: tuple[str, ...]) -> None:
    targets = [str(out / path) for out in outputs.values() for path in files(out)
               if any(path.endswith(p) or path.startswith(p) for p in pattern)
               and (schema != "vendor.compose-spec" or path.startswith(("compose", "compose/")))]
    assert targets, f"no file for {schema}"
    result = _run(tool("check-jsonschema"), "--builtin-schema", schema, *targets)
    assert result.returncode == 0, result.stdout[-4000:]


def test_promtool_and_amtool_accept_the_monitoring(outputs: dict[str, Path]) -> None:
    promtool, amtool = tool("promtool"), tool("amtool")
    checked = 0
    for out in outputs.values():
        config = out / "monitoring" / "prometheus" / "prometheus.yml"
        if config.is_file():
            result = _run(promtool, "check", "config", "--syntax-only", str(config))
            assert result.returncode == 0, result.stdout + result.stderr
            checked += 1
        rules = sorted(str(p) for p in (out / "monitoring" / "rules").glob("*.yml")
                       if not p.name.startswith("test"))
        if rules:
            result = _run(promtool, "check", "rules", *rules)
            assert result.returncode == 0, result.stdout + result.stderr
        alertmanager = out / "monitoring" / "alertmanager" / "alertmanager.yml"
        if alertmanager.is_file():
            result = _run(amtool, "check-config", str(alertmanager))
            assert result.returncode == 0, result.stdout + result.stderr
    assert checked


def test_helm_lint_strict_with_every_values_file(outputs: dict[str, Path]) -> None:
    helm = tool("helm")
    charts = [chart for out in outputs.values() for chart in sorted((out / "helm").glob("*"))]
    assert charts
    for chart in charts:
        for values in sorted(chart.glob("values*.yaml")):
            result = _run(helm, "lint", "--strict", str(chart), "-f", str(values))
            assert result.returncode == 0, f"{chart} {values.name}\n{result.stdout}"


def test_every_overlay_builds(outputs: dict[str, Path]) -> None:
    kubectl = tool("kubectl")
    overlays = [overlay for out in outputs.values()
                for overlay in sorted((out / "k8s" / "overlays").glob("*"))]
    assert overlays
    for overlay in overlays:
        result = _run(kubectl, "kustomize", str(overlay))
        assert result.returncode == 0, f"{overlay}\n{result.stderr}"


def _rendered_objects(out: Path) -> list[str]:
    """Every overlay's build and every values file's render, as deploy.sh applies them (in
    the environment's namespace; for a chart, with the digest CI would pass)."""
    helm, kubectl = tool("helm"), tool("kubectl")
    found = []
    for overlay in sorted((out / "k8s" / "overlays").glob("*")):
        built = _run(kubectl, "kustomize", str(overlay))
        assert built.returncode == 0, built.stderr
        found.append(built.stdout)
    for chart in sorted((out / "helm").glob("*")):
        for values in sorted(chart.glob("values*.yaml")):
            env = values.stem.removeprefix("values").lstrip("-")
            namespace = f"{chart.name}-{env}" if env else chart.name
            rendered = _run(helm, "template", chart.name, str(chart), "-n", namespace,
                            "-f", str(values), "--set", f"image.digest=sha256:{'0' * 64}")
            assert rendered.returncode == 0, rendered.stderr
            found.append(rendered.stdout)
    return found


def test_checkov_finds_nothing_in_any_output(outputs: dict[str, Path], tmp_path: Path) -> None:
    """checkov over every distinct build and render of the matrix: each distinct manifest is
    checked once, in one checkov process per core (its start-up is paid once per process)."""
    with ThreadPoolExecutor(max_workers=4) as pool:  # helm and kubectl processes
        texts = [text for found in pool.map(_rendered_objects, outputs.values())
                 for text in found]
    distinct = {hashlib.sha256(text.encode()).hexdigest()[:16]: text for text in texts}
    workers = max(1, min(os.cpu_count() or 1, 4))
    folders = [tmp_path / f"part{n}" for n in range(workers)]
    for n, (name, text) in enumerate(sorted(distinct.items())):
        folders[n % workers].mkdir(exist_ok=True)
        (folders[n % workers] / f"{name}.yaml").write_text(text, encoding="utf-8")
    command = [tool("checkov"), "--quiet", "--compact", "--framework", "kubernetes",
               "--skip-download", "-o", "json", "-d"]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda folder: _run(*command, str(folder), timeout=900),
                                [f for f in folders if f.is_dir()]))
    failed = []
    for result in results:
        report = json.loads(result.stdout)
        for entry in report if isinstance(report, list) else [report]:
            failed += [f"{check['file_path']}: {check['check_id']} {check['check_name']} "
                       f"({check.get('resource')})"
                       for check in entry.get("results", {}).get("failed_checks", [])]
    assert len(distinct) > len(outputs) and failed == []


def test_the_same_answers_give_the_same_bytes(outputs: dict[str, Path], blueprint_template: Path,
                                              tmp_path: Path) -> None:
    again = render(blueprint_template, tmp_path / "again", **ROWS["everything"])
    assert files(again) == files(outputs["everything"])

"""The service blueprint's docs (slice 8): README.md and docs/{deployment,monitoring,security,
architecture,troubleshooting}.md, each written for the parts the answers generated.

Every answer set is rendered once per module. The docs are held to the files beside them:
every relative link (and its #anchor) resolves, every path they name exists in that render,
every script option they use is in the script's own `-h`, the job and alert tables match the
rendered Prometheus configuration and rules, the network table matches compose.prod.yaml, and
every secret .env.example leaves empty is explained. The real tools then run once over every
render: pymarkdown (the Markdown linter) and Mermaid's own parser on the service maps.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml
from kit import TOOLS, check_output, finding_lines, missing, render, tool, unrendered

pytestmark = pytest.mark.blueprints

EVERY_DATASTORE = ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]
HOSTILE_NAME = 'Café "Bar": v2'
VARIANTS = {
    "defaults": {},
    "kubernetes-only": {"deploy_targets": ["kubernetes"], "environments": ["staging", "prod"],
                        "tls_mode": "selfsigned", "alert_receiver": "pagerduty"},
    "compose-plain": {"deploy_targets": ["compose"], "reverse_proxy": "none",
                      "monitoring": "none", "ci_provider": "none"},
    "everything": {"deploy_targets": ["compose", "kubernetes", "helm"], "monitoring": "full",
                   "datastores": EVERY_DATASTORE, "extras": ["nix", "ecs"],
                   "security_scanners": ["trivy", "gitleaks", "checkov"],
                   "alert_receiver": "slack"},
    "helm-gitlab": {"deploy_targets": ["helm"], "environments": ["prod"], "monitoring": "metrics",
                    "ci_provider": "gitlab", "tls_mode": "none", "datastores": [],
                    "network_policy": False, "runtime": "go",
                    "image_registry": "registry.gitlab.com/acme/platform"},
    "hostile": {"project_name": HOSTILE_NAME,
                "description": "Serves: 'quoted' things — and <more> *here* [x]",
                "owner_email": "o'brien_ops@example.com", "runtime": "static",
                "deploy_targets": ["compose", "helm"], "datastores": ["redis", "mariadb"]},
}
DOCS = ["README.md", *(f"docs/{name}.md" for name in
                       ("deployment", "monitoring", "security", "architecture", "troubleshooting"))]
# Files the README tells the user to add (the blueprint generates no application code), and
# what the docs' commands create: neither is in a render.
APPLICATION_FILES = {"requirements.txt", "requirements-dev.txt", "pyproject.toml", "uv.lock",
                     "poetry.lock", "package.json", "package-lock.json", "pnpm-lock.yaml",
                     "yarn.lock", "go.mod", "go.sum", "pom.xml", "settings.gradle",
                     "build.gradle", "src/", "dist/"}
FILE_SUFFIXES = (".yaml", ".yml", ".json", ".md", ".sh", ".nix", ".conf", ".tmpl")
FENCE = re.compile(r"^( *)```([a-z]*)\n(.*?)^\1```$", re.S | re.M)
CODE_SPAN = re.compile(r"`([^`\n]+)`")


@pytest.fixture(scope="module")
def outputs(blueprint_template: Path, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("docs")
    return {name: render(blueprint_template, root / name, **answers)
            for name, answers in VARIANTS.items()}


def _markdown(out: Path) -> list[Path]:
    return sorted(out.rglob("*.md"))


def _answers(out: Path) -> dict:
    return yaml.safe_load((out / ".copier-answers.yml").read_text("utf-8"))


def _prose(text: str) -> str:
    """The text without its fenced code blocks and code spans."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def _code(text: str) -> list[str]:
    """Every code span and every line of every fenced block but the diagrams."""
    blocks = [line for _, language, body in FENCE.findall(text) if language != "mermaid"
              for line in body.splitlines()]
    return CODE_SPAN.findall(FENCE.sub("", text)) + blocks


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub and GitLab make it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text("utf-8"))
    return {_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.M)}


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_doc_is_clean_markdown_with_one_title(outputs, variant):
    out = outputs[variant]
    assert not unrendered(out)
    for name in DOCS:
        text = (out / name).read_text("utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n"), name
        assert not re.search(r"[ \t]+$", text, re.M), f"{name}: trailing whitespace"
        assert "\n\n\n" not in text, f"{name}: two blank lines"
        assert len(re.findall(r"^# ", FENCE.sub("", text), re.M)) == 1, f"{name}: one H1"
        assert "None" not in _prose(text), name
        headings = re.findall(r"^#{2,6} (.+)$", FENCE.sub("", text), re.M)
        assert len(headings) == len(set(headings)), f"{name}: a heading twice"


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_relative_link_resolves(outputs, variant):
    out = outputs[variant]
    for path in _markdown(out):
        text = CODE_SPAN.sub("", FENCE.sub("", path.read_text("utf-8")))
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            linked = (path.parent / file).resolve() if file else path
            where = f"{path.relative_to(out)} -> {target}"
            assert linked.is_file() and out.resolve() in linked.parents, where
            if anchor:
                assert anchor in _anchors(linked), where


def _paths_named(text: str) -> set[str]:
    """Tokens in code that name a file or folder of the repository."""
    named = set()
    for line in _code(text):
        for token in re.split(r"[\s=,()\"']+", line):
            token = token.rstrip(".;:")
            if (not token or token.startswith((">", "/", "./", "~", "$", "-", "http"))
                    or ":" in token or "@" in token or "{" in token):
                continue  # outputs, container paths, the user's files, options, URLs, images
            token = token.lstrip("<")
            head = token.split("/")[0]
            if "/" in token and "." in head and not head.startswith("."):
                continue  # a label key or an image (app.kubernetes.io/name, ghcr.io/x/y)
            if "/" in token or token.endswith(FILE_SUFFIXES):
                named.add(token)
    return named


def _exists(out: Path, token: str) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", token).rstrip("/")
    files = [p.relative_to(out).as_posix() for p in out.rglob("*")]
    if "/" not in token:  # a file named by its name: anywhere in the project
        return any(fnmatch(name.rsplit("/", 1)[-1], pattern) for name in files)
    return any(fnmatch(name, pattern) for name in files)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_path_the_docs_name_exists(outputs, variant):
    out = outputs[variant]
    missing = []
    for name in DOCS:
        for token in sorted(_paths_named((out / name).read_text("utf-8")) - APPLICATION_FILES):
            if not _exists(out, token):
                missing.append(f"{name}: {token}")
    assert missing == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_script_option_the_docs_use_is_the_scripts_own(outputs, variant):
    out = outputs[variant]
    helps: dict[str, str] = {}
    used = 0
    for name in DOCS:
        for line in _code((out / name).read_text("utf-8")):
            for script, rest in re.findall(r"(scripts/[\w-]+\.sh)((?: [^`|;#]*)?)", line):
                if script not in helps:
                    run = subprocess.run(["bash", str(out / script), "-h"], capture_output=True,
                                         text=True, timeout=30)
                    assert run.returncode == 0, script
                    helps[script] = run.stdout
                for option in re.findall(r"(?<!\S)(--?[a-z][\w-]*)", rest):
                    used += 1
                    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])",
                                     helps[script]), f"{name}: {script} {option}"
                for word in re.findall(r"(?<!\S)([a-z]+)(?!\S)", rest.split("--")[0]):
                    if word in ("compose", "kubernetes", "helm", "up", "down"):
                        assert word in helps[script], f"{name}: {script} {word}"
    assert used, "the docs show no script option at all"


def _table(text: str, header: str) -> list[list[str]]:
    """The rows of the Markdown table whose header line starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _ticked(cell: str) -> str:
    return cell.strip("`")


@pytest.mark.parametrize("variant", [name for name, answers in VARIANTS.items()
                                     if "compose" in answers.get("deploy_targets", ["compose"])
                                     and answers.get("monitoring", "standard") != "none"])
def test_the_scrape_table_is_prometheus_yml(outputs, variant):
    out = outputs[variant]
    config = yaml.safe_load((out / "monitoring/prometheus/prometheus.yml").read_text("utf-8"))
    targets = {}
    for job in config["scrape_configs"]:
        found = [t for c in job.get("static_configs", []) for t in c["targets"]]
        found += [f"{n}:{c['port']}" for c in job.get("dns_sd_configs", []) for n in c["names"]]
        targets[job["job_name"]] = found
    rows = _table((out / "docs/monitoring.md").read_text("utf-8"), "| job | target |")
    assert {_ticked(job): [_ticked(target)] for job, target, _ in rows} == targets


def _alerts(path: Path) -> set[str]:
    return set(re.findall(r"- alert: (\w+)", path.read_text("utf-8"))) if path.is_file() else set()


@pytest.mark.parametrize("variant", [name for name, answers in VARIANTS.items()
                                     if answers.get("monitoring", "standard")
                                     in ("standard", "full")])
def test_the_alert_table_is_the_rules_that_are_deployed(outputs, variant):
    out = outputs[variant]
    answers = _answers(out)
    slug = answers["project_slug"]
    compose = set().union(*(_alerts(p) for p in (out / "monitoring/rules").glob("*.rules.yml"))) \
        if "compose" in answers["deploy_targets"] else set()
    cluster = _alerts(out / "k8s/components/monitoring/prometheusrule.yaml")
    chart = _alerts(out / f"helm/{slug}/templates/prometheusrule.yaml")
    rows = _table((out / "docs/monitoring.md").read_text("utf-8"), "| alert | severity |")
    table = {_ticked(alert): where for alert, _, _, where in rows}
    assert compose | cluster <= set(table) <= compose | cluster | chart
    for alert, where in table.items():
        assert ("compose" in where) == (alert in compose), alert
        assert ("Kubernetes" in where) == (alert in cluster | chart), alert
        page = re.sub(r"(?<!^)(?=[A-Z])", "-", alert).lower() + ".md"
        assert (out / "docs/runbooks" / page).is_file(), page


@pytest.mark.parametrize("variant", [name for name, answers in VARIANTS.items()
                                     if "compose" in answers.get("deploy_targets", ["compose"])])
def test_the_network_table_is_compose_prod(outputs, variant):
    out = outputs[variant]
    stack = yaml.safe_load((out / "compose.prod.yaml").read_text("utf-8"))
    members: dict[str, set[str]] = {name: set() for name in stack.get("networks", {})}
    for service, spec in stack["services"].items():
        for network in spec.get("networks") or []:
            members[network].add(service)
    monitoring = {"prometheus", "alertmanager", "grafana", "cadvisor", "otel-collector", "jaeger"}
    rows = _table((out / "docs/architecture.md").read_text("utf-8"), "| network | joins |")
    documented = {}
    for network, joins, _ in rows:
        names = {part.strip() for part in joins.split(",")}
        if "the monitoring services" in names:
            names = (names - {"the monitoring services"}) | (monitoring & members["monitoring"])
        documented[_ticked(network)] = names
    assert documented == members


@pytest.mark.parametrize("variant", [name for name, answers in VARIANTS.items()
                                     if "compose" in answers.get("deploy_targets", ["compose"])])
def test_every_secret_env_example_leaves_empty_is_explained(outputs, variant):
    out = outputs[variant]
    empty = re.findall(r"^([A-Z][A-Z0-9_]*)=(?:''|)$", (out / ".env.example").read_text("utf-8"),
                       re.M)
    deployment = (out / "docs/deployment.md").read_text("utf-8")
    assert empty and [key for key in empty if f"`{key}`" not in deployment] == []


def _mentions(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def test_each_doc_covers_only_what_was_generated(outputs):
    docs = {name: "\n".join((outputs[name] / doc).read_text("utf-8") for doc in DOCS)
            for name in VARIANTS}
    plain = docs["compose-plain"]
    for absent in ("Kubernetes", "Helm", "kubectl", "Traefik", "prometheus.yml", "Alertmanager",
                   "Grafana", "`GET /metrics`", ".github", "runbooks", "cert-manager", "## Alerts"):
        assert not _mentions(plain, absent), absent
    assert "APP_BIND" in plain and "There is no CI" in plain
    cluster = docs["kubernetes-only"]
    for absent in ("docker compose", ".env.example", "Traefik", "Helm", "helm ", "Let's Encrypt",
                   "ClusterIssuer", "compose/"):
        assert not _mentions(cluster, absent), absent
    assert "demo-service-tls" in cluster and "`demo-service-staging`" in cluster
    gitlab = docs["helm-gitlab"]
    for absent in (".github", "dependabot.yml", "k8s/", "docker compose", "ServiceMonitor and",
                   "## Alerts", "cert-manager", "NetworkPolicies deny"):
        assert not _mentions(gitlab, absent), absent
    assert "Renovate" in gitlab and "deploy-prod" in gitlab and "NetworkPolicies are off" in gitlab
    everything = docs["everything"]
    for present in ("ecs/task-definition.json", "Jaeger", "otel-collector", "MARIADB_ROOT_PASSWORD",
                    "`DatastoreDown`", "`TargetDown`", "-acme-http01-solver",
                    "compose/layered/infra.yaml", "existingSecret", "Checkov"):
        assert present in everything, present


def test_the_readme_says_how_to_update_and_check(outputs):
    readme = (outputs["defaults"] / "README.md").read_text("utf-8")
    assert "copier update --skip-answered" in readme and "copier update --defaults -d" in readme
    assert "scaffold check . --fail-on warning --min-score 100" in readme
    assert "`requirements.txt`" in readme and "`python -m app`" in readme
    go = (outputs["helm-gitlab"] / "README.md").read_text("utf-8")
    assert "`go.mod`" in go and "/app/server" in go and "`.gitlab-ci.yml`" in go


def test_hostile_answers_stay_text(outputs):
    out = outputs["hostile"]
    readme = (out / "README.md").read_text("utf-8")
    assert readme.startswith(f"# {HOSTILE_NAME}\n\nServes: 'quoted' things — and &lt;more> "
                             r"\*here\* \[x\]" + "\n")
    assert "o'brien\\_ops@example.com" in readme
    assert f"{HOSTILE_NAME} is one stateless HTTP service" in \
        (out / "docs/architecture.md").read_text("utf-8")


def test_the_markdown_passes_pymarkdown(outputs):
    paths = [str(p) for out in outputs.values() for p in _markdown(out)]
    # Line length (MD013) is left to the writer: commands and URLs read better unbroken.
    run = subprocess.run([tool("pymarkdown"), "--disable-rules", "md013", "scan", *paths],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


MERMAID = TOOLS / "mermaid"
# Mermaid's own parser (the one GitHub and GitLab draw with), in Node with a DOM from jsdom.
PARSE = """
import { JSDOM } from "jsdom";
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
let input = "";
for await (const chunk of process.stdin) input += chunk;
const errors = [];
for (const text of JSON.parse(input)) {
  try { await mermaid.parse(text); errors.push(null); }
  catch (error) { errors.push(String(error.message || error)); }
}
console.log(JSON.stringify(errors));
"""


def test_the_service_maps_are_valid_mermaid(outputs):
    diagrams = [body for out in outputs.values()
                for _, language, body in FENCE.findall(
                    (out / "docs/architecture.md").read_text("utf-8")) if language == "mermaid"]
    assert len(diagrams) >= len(VARIANTS)
    node = shutil.which("node")
    if node is None or not (MERMAID / "node_modules" / "mermaid").is_dir():
        missing("mermaid is not installed: run `bash tests/install-tools.sh`")
    run = subprocess.run([node, "--input-type=module", "--eval", PARSE], cwd=MERMAID,
                         input=json.dumps(diagrams), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    errors = [(diagram, error) for diagram, error in zip(diagrams, results, strict=True) if error]
    assert errors == []


@pytest.mark.parametrize("variant", ["defaults", "everything"])
def test_the_project_still_scores_100(outputs, variant):
    report = check_output(outputs[variant])
    assert finding_lines(report) == [] and report.score.score == 100

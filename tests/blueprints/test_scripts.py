"""The service blueprint's operations scripts (scripts/*.sh): deploy, rollback, health-check,
backup, restore and the layered compose start.

Each variant is rendered once per module, then held to shellcheck and scaffold's shell
policies, run for real with bash: usage and refusals, the health check against a local HTTP
server, and deploy/backup/restore against stand-ins for docker, kubectl and helm that record
what they are asked (there is no engine or cluster here). kubectl's `kustomize` is the real one,
so the manifest deploy.sh would apply is the real overlay, pinned by digest.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from kit import check_output, files, finding_lines, render, tool, unrendered

pytestmark = pytest.mark.blueprints

ALL_DATASTORES = ["postgres", "mariadb", "mongodb", "redis", "elasticsearch"]
VARIANTS = {
    "defaults": {},
    "everything": {"datastores": ALL_DATASTORES, "monitoring": "full"},
    "compose": {"deploy_targets": ["compose"], "tls_mode": "none", "datastores": ["redis", "mongodb"]},
    "kubernetes": {"deploy_targets": ["kubernetes"], "datastores": ["mariadb"],
                   "environments": ["prod"]},
    "helm": {"deploy_targets": ["helm"], "tls_mode": "selfsigned", "datastores": ["elasticsearch"],
             "environments": ["dev", "staging"]},
    "bare": {"deploy_targets": ["compose"], "datastores": [], "reverse_proxy": "none",
             "monitoring": "none"},
    "hostile": {"project_name": 'Café "Bar": v2',
                "description": "Serves: 'quoted' things — and more"},
}
SCRIPTS = ["deploy.sh", "rollback.sh", "health-check.sh", "compose-up-layered.sh", "backup.sh",
           "restore.sh"]
DIGEST = "sha256:" + "ab" * 32


@pytest.fixture(scope="module")
def outputs(blueprint_template: Path, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scripts")
    return {name: render(blueprint_template, root / name, **answers)
            for name, answers in VARIANTS.items()}


def scripts(root: Path) -> list[Path]:
    return sorted((root / "scripts").glob("*.sh"))


def run(script: Path, *args: str, env: dict | None = None, stdin=subprocess.DEVNULL,
        timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(script), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, stdin=stdin, timeout=timeout)


# --- what is generated ------------------------------------------------------------------------

def test_the_answers_decide_which_scripts_exist(outputs) -> None:
    names = {name: [p.name for p in scripts(out)] for name, out in outputs.items()}
    assert names["defaults"] == sorted(SCRIPTS)
    assert names["bare"] == sorted(["compose-up-layered.sh", "deploy.sh", "health-check.sh",
                                    "rollback.sh"])
    assert "compose-up-layered.sh" not in names["kubernetes"] + names["helm"]
    # The Jinja partial backup.sh and restore.sh share is never generated itself.
    for out in outputs.values():
        assert sorted(p.name for p in (out / "scripts").iterdir()) == \
            [p.name for p in scripts(out)]
        assert not unrendered(out / "scripts")


def test_every_script_is_executable_also_through_the_copier_cli(outputs, blueprint_template,
                                                                tmp_path) -> None:
    for out in outputs.values():
        for script in scripts(out):
            assert script.stat().st_mode & stat.S_IXUSR, script
    copier = Path(sys.executable).parent / "copier"
    result = subprocess.run([str(copier), "copy", "--defaults", "--quiet", str(blueprint_template),
                             str(tmp_path / "cli")], capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    modes = {p.name: p.stat().st_mode for p in scripts(tmp_path / "cli")}
    assert sorted(modes) == sorted(SCRIPTS)
    assert all(mode & stat.S_IXUSR and mode & stat.S_IXOTH for mode in modes.values())


def test_shellcheck_passes_on_every_variant(outputs) -> None:
    every = [str(p) for out in outputs.values() for p in scripts(out)]
    result = subprocess.run([tool("shellcheck"), "--format=gcc", *every], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout
    for path in every:
        text = Path(path).read_text("utf-8")
        assert text.startswith("#!/usr/bin/env bash\n") and "\nset -Eeuo pipefail\n" in text
        assert "shellcheck disable" not in text


def test_the_scripts_pass_every_policy(outputs) -> None:
    for name, out in outputs.items():
        report = check_output(out / "scripts")
        assert finding_lines(report) == [] and report.score.score == 100, name


def test_the_default_render_scores_100_with_no_findings(outputs) -> None:
    report = check_output(outputs["defaults"])
    assert finding_lines(report) == [] and report.score.score == 100


def test_answers_reach_the_scripts_and_hostile_names_stay_in_comments(outputs) -> None:
    health = (outputs["everything"] / "scripts" / "health-check.sh").read_text("utf-8")
    assert 'readonly PATHS=("/healthz" "/readyz")' in health
    assert "http://127.0.0.1:8080" in health
    deploy = (outputs["helm"] / "scripts" / "deploy.sh").read_text("utf-8")
    assert "readonly TARGETS=(helm)" in deploy and "readonly ENVIRONMENTS=(dev staging)" in deploy
    backup = (outputs["everything"] / "scripts" / "backup.sh").read_text("utf-8")
    assert f"readonly DATASTORES=({' '.join(ALL_DATASTORES)})" in backup and "retention=14" in backup
    hostile = outputs["hostile"]
    for script in scripts(hostile):
        lines = [line for line in script.read_text("utf-8").splitlines() if 'Café "Bar"' in line]
        assert lines and all(line.startswith("#") for line in lines), script
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert 'readonly NAME="caf-bar-v2"' in (hostile / "scripts" / "deploy.sh").read_text("utf-8")


# --- usage ------------------------------------------------------------------------------------

def test_help_exits_0_and_wrong_usage_exits_2(outputs) -> None:
    for out in outputs.values():
        for script in scripts(out):
            helped = run(script, "--help")
            assert helped.returncode == 0 and helped.stdout.startswith(
                f"Usage: scripts/{script.name}"), script
            wrong = run(script, "--no-such-option")
            assert wrong.returncode == 2, (script, wrong.stderr)
            assert "unknown" in wrong.stderr and "Usage:" in wrong.stderr
    deploy = outputs["defaults"] / "scripts" / "deploy.sh"
    for args, message in [((), "expected TARGET and ENVIRONMENT"),
                          (("nomad", "prod"), "unknown target 'nomad'"),
                          (("helm", "qa"), "unknown environment 'qa'"),
                          (("helm", "prod", "--digest", "sha256:abc"), "64 hex digits"),
                          (("helm", "prod", "--tag"), "--tag needs a value")]:
        result = run(deploy, *args)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
    only_prod = outputs["kubernetes"] / "scripts" / "deploy.sh"
    assert "unknown environment 'staging'" in run(only_prod, "kubernetes", "staging").stderr
    restore = outputs["defaults"] / "scripts" / "restore.sh"
    assert "unknown datastore 'redis'" in run(restore, "redis", str(restore)).stderr
    health = outputs["defaults"] / "scripts" / "health-check.sh"
    assert run(health, "--timeout", "soon").returncode == 2


# --- the health check, against a real HTTP server ---------------------------------------------

class Service:
    """A local HTTP server: each path answers 200, or 503 until it has been asked `ready_after`
    times."""

    def __init__(self, ready_after: dict[str, int]):
        self.ready_after, self.asked = ready_after, {}
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                service.asked[self.path] = service.asked.get(self.path, 0) + 1
                ready = service.asked[self.path] > service.ready_after.get(self.path, 0)
                self.send_response(200 if ready else 503)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    made = []

    def make(**ready_after):
        made.append(Service({"/" + k: v for k, v in ready_after.items()}))
        return made[-1]
    yield make
    for each in made:
        each.close()


def test_the_health_check_waits_until_both_paths_answer(outputs, service) -> None:
    app = service(readyz=2)
    result = run(outputs["defaults"] / "scripts" / "health-check.sh", "--interval", "1", app.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"ok: {app.url}/healthz answered 200",
                                          f"ok: {app.url}/readyz answered 200"]
    assert app.asked == {"/healthz": 1, "/readyz": 3}


def test_the_health_check_gives_up_after_its_timeout(outputs, service) -> None:
    app = service(readyz=1000)
    started = time.monotonic()
    result = run(outputs["defaults"] / "scripts" / "health-check.sh", "--interval", "1",
                 "--timeout", "2", app.url + "/")
    assert result.returncode == 1 and time.monotonic() - started < 10
    assert f"{app.url}/readyz answered 503, still not 2xx after 2s" in result.stderr


# --- deploy, rollback, backup, restore against recording stand-ins ----------------------------

STUB = """#!/usr/bin/env bash
# Stand-in for {name}: records its arguments (and APP_VERSION), then acts as the test needs.
printf '%s\\n' "{name} ${{APP_VERSION:+APP_VERSION=$APP_VERSION }}$*" >>"$STUB_LOG"
{body}
"""
KUBECTL = """
case "$*" in
  *kustomize*) exec "$REAL_KUBECTL" "$@" ;;
  *"config current-context"*) echo test-cluster ;;
  *apply*) while (($#)); do [[ $1 == -f ]] && cp -- "$2" "$STUB_DIR/applied.yaml"; shift; done ;;
  *port-forward*) echo "Forwarding from 127.0.0.1:$APP_PORT -> 8080"; exec sleep 30 ;;
  *"get pods"*) echo "$2-0" ;;
esac
"""
HELM = """
case "$1" in
  version) echo v4.1.4 ;;
esac
"""
DOCKER = """
case "$*" in
  *"context show"*) echo default ;;
  *"network inspect"*) exit 1 ;;
  *" sh dump") printf 'PGDMP-archive' ;;
  *" sh check") cat >/dev/null ;;
  *" sh restore") cat >"$STUB_DIR/restored" ;;
esac
"""


@pytest.fixture
def stubs(tmp_path, monkeypatch):
    """A PATH with stand-ins for docker, kubectl and helm; returns the log reader."""
    bin_dir = tmp_path / "stub-bin"
    bin_dir.mkdir()
    for name, body in (("kubectl", KUBECTL), ("helm", HELM), ("docker", DOCKER)):
        path = bin_dir / name
        path.write_text(STUB.format(name=name, body=body))
        path.chmod(0o755)
    log = tmp_path / "stub.log"
    log.touch()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STUB_LOG", str(log))
    monkeypatch.setenv("STUB_DIR", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("HEALTH_URL", raising=False)
    monkeypatch.delenv("APP_VERSION", raising=False)
    return lambda: log.read_text("utf-8").splitlines()


def test_helm_deploys_the_digest_then_checks_through_the_service(outputs, stubs, service) -> None:
    app = service()
    result = run(outputs["defaults"] / "scripts" / "deploy.sh", "helm", "staging",
                 "--digest", DIGEST, env={"APP_PORT": app.url.rsplit(":", 1)[1]})
    assert result.returncode == 0, result.stderr
    chart = outputs["defaults"] / "helm" / "demo-service"
    upgrade = next(line for line in stubs() if line.startswith("helm upgrade"))
    assert upgrade == (f"helm upgrade --install demo-service {chart} --namespace "
                       f"demo-service-staging --create-namespace --values "
                       f"{chart}/values-staging.yaml --set-string image.digest={DIGEST} "
                       "--rollback-on-failure --wait --timeout 10m")
    assert "kubectl --namespace demo-service-staging port-forward service/demo-service :http" \
        in stubs()
    assert app.asked == {"/healthz": 1, "/readyz": 1}
    assert "Deployed demo-service to staging with helm" in result.stdout


def test_kubernetes_applies_the_real_overlay_pinned_by_digest(outputs, stubs, service,
                                                             monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("REAL_KUBECTL", tool("kubectl"))
    app = service()
    result = run(outputs["defaults"] / "scripts" / "deploy.sh", "kubernetes", "dev",
                 "--digest", DIGEST, "--context", "kind-dev",
                 env={"APP_PORT": app.url.rsplit(":", 1)[1]})
    assert result.returncode == 0, result.stderr
    applied = (tmp_path / "applied.yaml").read_text("utf-8")
    assert f"image: ghcr.io/example/demo-service@{DIGEST}" in applied
    assert "demo-service:0.1.0" not in applied and "namespace: demo-service-dev" in applied
    log = stubs()
    assert any(line.startswith("kubectl --context kind-dev apply --server-side") for line in log)
    assert ("kubectl --context kind-dev -n demo-service-dev rollout status "
            "deployment/demo-service --timeout=10m") in log
    assert not any("--prune" in line for line in log)


def test_compose_deploys_tag_and_digest_and_rolls_back_to_the_previous_one(outputs,
                                                                          stubs) -> None:
    deploy = outputs["compose"] / "scripts" / "deploy.sh"
    for tag in ("sha-1", "sha-2"):
        result = run(deploy, "compose", "staging", "--tag", tag, "--digest", DIGEST)
        assert result.returncode == 0, result.stderr
    compose = f"--project-name demo-service --file {outputs['compose']}/compose.prod.yaml"
    assert (f"docker APP_VERSION=sha-2@{DIGEST} compose {compose} up --detach --wait "
            "--wait-timeout 300 --remove-orphans") in stubs()
    rolled = run(outputs["compose"] / "scripts" / "rollback.sh", "compose", "staging")
    assert rolled.returncode == 0, rolled.stderr
    assert stubs()[-1].startswith(f"docker APP_VERSION=sha-1@{DIGEST} compose {compose} up")


def test_kubernetes_rollback_undoes_the_rollout_then_checks(outputs, stubs, service) -> None:
    app = service()
    result = run(outputs["kubernetes"] / "scripts" / "rollback.sh", "kubernetes", "prod",
                 "--to", "3", "--yes", env={"APP_PORT": app.url.rsplit(":", 1)[1]})
    assert result.returncode == 0, result.stderr
    log = stubs()
    assert "kubectl --namespace demo-service-prod rollout undo deployment/demo-service " \
        "--to-revision=3" in log
    assert log.index("kubectl --namespace demo-service-prod rollout status "
                     "deployment/demo-service --timeout=10m") < len(log) - 1
    assert app.asked == {"/healthz": 1, "/readyz": 1}
    wrong = run(outputs["kubernetes"] / "scripts" / "rollback.sh", "kubernetes", "prod",
                "--to", "v1.2")
    assert wrong.returncode == 2 and "--to must be a revision number" in wrong.stderr


def test_the_layers_start_in_order_on_networks_made_first(outputs, stubs) -> None:
    out = outputs["everything"]
    result = run(out / "scripts" / "compose-up-layered.sh")
    assert result.returncode == 0, result.stderr
    calls = [line for line in stubs() if "network create" in line or " up " in line]
    assert calls == [
        "docker network create proxy",
        "docker network create --internal backend",
        *(f"docker compose --project-name demo-service-{layer} --file "
          f"{out}/compose/layered/{layer}.yaml up --detach --wait --wait-timeout 300 "
          "--remove-orphans" for layer in ("data", "infra", "app")),
    ]


def test_prod_needs_a_confirmation_and_a_clean_git_tree(outputs, stubs, tmp_path) -> None:
    deploy = outputs["compose"] / "scripts" / "deploy.sh"
    refused = run(deploy, "compose", "prod", "--digest", DIGEST)
    assert refused.returncode == 1 and "without confirmation" in refused.stderr
    assert not any(" up " in line for line in stubs())
    subprocess.run(["git", "-C", str(outputs["compose"]), "init", "-q"], check=True)
    try:
        dirty = run(deploy, "compose", "prod", "--digest", DIGEST, "--yes")
        assert dirty.returncode == 1 and "uncommitted changes" in dirty.stderr
        allowed = run(deploy, "compose", "prod", "--digest", DIGEST, "--yes", "--allow-dirty",
                      "--no-verify")
        assert allowed.returncode == 0, allowed.stderr
    finally:
        shutil.rmtree(outputs["compose"] / ".git")


def test_backup_checks_keeps_and_prunes_then_restore_verifies_and_asks(outputs, stubs,
                                                                      tmp_path) -> None:
    out = outputs["defaults"]
    folder = tmp_path / "backups" / "postgres"
    folder.mkdir(parents=True)
    old = folder / "demo-service-postgres-20200101T000000Z.dump"
    recent = folder / "demo-service-postgres-recent.dump"
    for path in (old, recent):
        path.write_text("old")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    result = run(out / "scripts" / "backup.sh", "--dir", str(tmp_path / "backups"))
    assert result.returncode == 0, result.stderr
    made = sorted(p.name for p in folder.iterdir())
    assert len(made) == 3 and recent.name in made and old.name not in made
    dump = next(folder / name for name in made if name.endswith("Z.dump"))
    assert dump.read_bytes() == b"PGDMP-archive"
    digest = hashlib.sha256(b"PGDMP-archive").hexdigest()
    assert (folder / f"{dump.name}.sha256").read_text() == f"{digest}  {dump.name}\n"
    assert any(f"compose --project-name demo-service --file {out}/compose.prod.yaml exec -T "
               "postgres sh -c" in line for line in stubs())

    restore = out / "scripts" / "restore.sh"
    unconfirmed = run(restore, "postgres", str(dump))
    assert unconfirmed.returncode == 1 and "without confirmation" in unconfirmed.stderr
    assert not (tmp_path / "restored").exists()
    done = run(restore, "postgres", str(dump), "--yes")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "restored").read_bytes() == b"PGDMP-archive"
    dump.write_bytes(b"PGDMP-archive, changed")
    tampered = run(restore, "postgres", str(dump), "--yes")
    assert tampered.returncode == 1 and "does not match its checksum" in tampered.stderr


def test_a_failed_backup_leaves_no_file_and_fails(outputs, stubs, tmp_path) -> None:
    result = run(outputs["compose"] / "scripts" / "backup.sh", "mongodb",
                 "--dir", str(tmp_path / "backups"))
    # The stand-in answers a postgres archive: not a mongodump archive, so no backup.
    assert result.returncode == 1 and "is not a mongodump archive" in result.stderr
    assert "failed: mongodb" in result.stderr
    assert files(tmp_path / "backups") == {}

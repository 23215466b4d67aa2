"""Benchmark `scaffold check` against a bare YAML parse of the same files.

    python bench/run.py                       # 2,000 manifests, 200 Dockerfiles, 100 compose
    python bench/run.py --manifests 5000 --dockerfiles 500 --compose 200 --repeat 5
    python bench/run.py --case kubernetes     # 5,000 manifest files, Helm charts, overlays
    python bench/run.py --case blueprint      # a full blueprint render, then its check

It generates a synthetic tree under bench/out/ (deterministic: same arguments, same files),
then reports, as medians over --repeat runs of the real console script:
- the whole-tree time and documents per second;
- the one-file time (what a pre-commit hook pays on each commit);
- the ratio to a bare PyYAML CSafeLoader parse of the same YAML files (in-process, no
  start-up), which is the floor any YAML-based checker has to stand on.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SCAFFOLD = Path(sys.executable).parent / "scaffold"

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-{n}
  namespace: team-{team}
  labels: {{app.kubernetes.io/name: svc-{n}, app.kubernetes.io/instance: svc-{n}}}
spec:
  replicas: {replicas}
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxUnavailable: 0, maxSurge: 1}}}}
  selector:
    matchLabels: {{app.kubernetes.io/name: svc-{n}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: svc-{n}}}
    spec:
      serviceAccountName: svc-{n}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile: {{type: RuntimeDefault}}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {{matchLabels: {{app.kubernetes.io/name: svc-{n}}}}}
      containers:
        - name: app
          image: docker.io/library/svc-{n}:{tag}@sha256:{digest}
          imagePullPolicy: Always
          ports: [{{containerPort: 8080, name: http}}]
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{drop: [ALL]}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi, ephemeral-storage: 64Mi}}
            limits: {{cpu: "1", memory: 256Mi, ephemeral-storage: 128Mi}}
          startupProbe: {{httpGet: {{path: /healthz, port: http}}, failureThreshold: 30}}
          livenessProbe: {{httpGet: {{path: /healthz, port: http}}}}
          readinessProbe: {{httpGet: {{path: /ready, port: http}}}}
          env:
            - {{name: LOG_LEVEL, value: info}}
            - {{name: PORT, value: "8080"}}
---
apiVersion: v1
kind: Service
metadata:
  name: svc-{n}
  namespace: team-{team}
spec:
  selector: {{app.kubernetes.io/name: svc-{n}}}
  ports: [{{port: 80, targetPort: http}}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: svc-{n}, namespace: team-{team}}}
automountServiceAccountToken: false
"""

DIGEST_HEX = "0123456789abcdef" * 4
DIGEST = "sha256:" + DIGEST_HEX

DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM python:{tag}-slim@{digest} AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt
COPY app ./app
FROM python:{tag}-slim@{digest}
WORKDIR /app
COPY --from=build /install /usr/local
COPY --from=build /src/app /app/app
USER 10001
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8080/healthz')"]
CMD ["python", "-m", "app"]
"""

COMPOSE = """\
services:
  app:
    image: registry.example.com/app-{n}:1.{n}.0@{digest}
    user: "10001:10001"
    read_only: true
    restart: unless-stopped
    security_opt: ["no-new-privileges:true"]
    cap_drop: [ALL]
    networks: [backend]
    deploy:
      resources:
        limits: {{cpus: "1.0", memory: 512M, pids: 256}}
    healthcheck:
      test: ["CMD", "wget", "-q", "--spider", "http://localhost:8080/healthz"]
    depends_on:
      db: {{condition: service_healthy}}
  db:
    image: {db}@{digest}
    user: "999:999"
    read_only: true
    restart: unless-stopped
    security_opt: ["no-new-privileges:true"]
    cap_drop: [ALL]
    networks: [backend]
    tmpfs: [/tmp, /var/run/postgresql]
    deploy:
      resources:
        limits: {{cpus: "1.0", memory: 1G, pids: 256}}
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
    volumes: [db-data:/var/lib/postgresql/data]
volumes:
  db-data: {{}}
networks:
  backend: {{}}
"""


def generate(out: Path, manifests: int, dockerfiles: int, compose: int) -> list[Path]:
    """Write the tree; a tenth of everything has a problem, like a real repository."""
    if out.exists():
        shutil.rmtree(out)
    yaml_files = []
    for n in range(manifests):
        path = out / "k8s" / f"team-{n % 20}" / f"svc-{n}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        tag = "latest" if n % 10 == 0 else f"1.{n}.0"
        path.write_text(DEPLOYMENT.format(n=n, team=n % 20, replicas=2 + n % 3, tag=tag,
                                          digest=DIGEST_HEX))
        yaml_files.append(path)
    for n in range(dockerfiles):
        path = out / "services" / f"svc-{n}" / "Dockerfile"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DOCKERFILE.format(tag="latest" if n % 10 == 0 else "3.12.7",
                                          digest=DIGEST))
        (path.parent / ".dockerignore").write_text(".git\n.env\n**/*.pem\n**/*.key\n**/id_rsa*\n")
    for n in range(compose):
        path = out / "stacks" / f"stack-{n}" / "compose.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(COMPOSE.format(n=n, digest=DIGEST,
                                       db="postgres:latest" if n % 10 == 0 else "postgres:16.4"))
        yaml_files.append(path)
    return yaml_files


# -- the Kubernetes-heavy case ----------------------------------------------------------------

K8S_EXTRA = """\
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: svc-{n}, namespace: team-{team}}}
data: {{LOG_LEVEL: info, FEATURE_FLAGS: "a,b,c"}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: svc-{n}, namespace: team-{team}}}
spec:
  maxUnavailable: 1
  selector: {{matchLabels: {{app.kubernetes.io/name: svc-{n}}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: svc-{n}, namespace: team-{team}}}
spec:
  podSelector: {{matchLabels: {{app.kubernetes.io/name: svc-{n}}}}}
  ingress: [{{from: [{{podSelector: {{}}}}]}}]
"""

CHART = {
    "Chart.yaml": "apiVersion: v2\nname: app-{n}\nversion: 1.{n}.0\nappVersion: \"2.0.{n}\"\n",
    "values.yaml": "replicaCount: 2\nimage: {{repository: docker.io/library/app-{n}, "
                   "tag: \"2.0.{n}@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}}\nport: 8080\n",
    "values-dev.yaml": "replicaCount: 1\n",
    "values-prod.yaml": "replicaCount: 3\n",
    "templates/_helpers.tpl": '{{{{- define "app.name" -}}}}{{{{ .Chart.Name }}}}{{{{- end }}}}\n'
                              '{{{{- define "app.labels" -}}}}\napp.kubernetes.io/name: '
                              '{{{{ include "app.name" . }}}}\napp.kubernetes.io/instance: '
                              '{{{{ .Release.Name }}}}\n{{{{- end }}}}\n',
    "templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "app.name" . }}}}
  labels: {{{{- include "app.labels" . | nindent 4 }}}}
spec:
  replicas: {{{{ .Values.replicaCount }}}}
  selector:
    matchLabels: {{{{- include "app.labels" . | nindent 6 }}}}
  template:
    metadata:
      labels: {{{{- include "app.labels" . | nindent 8 }}}}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile: {{type: RuntimeDefault}}
      containers:
        - name: app
          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag }}}}"
          imagePullPolicy: Always
          ports: [{{containerPort: {{{{ .Values.port }}}}, name: http}}]
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{drop: [ALL]}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi, ephemeral-storage: 64Mi}}
            limits: {{cpu: "1", memory: 256Mi, ephemeral-storage: 128Mi}}
          startupProbe: {{httpGet: {{path: /healthz, port: http}}, failureThreshold: 30}}
          livenessProbe: {{httpGet: {{path: /healthz, port: http}}}}
          readinessProbe: {{httpGet: {{path: /ready, port: http}}}}
""",
    "templates/service.yaml": """\
apiVersion: v1
kind: Service
metadata:
  name: {{{{ include "app.name" . }}}}
spec:
  selector: {{{{- include "app.labels" . | nindent 4 }}}}
  ports: [{{port: 80, targetPort: http}}]
""",
}


def generate_kubernetes(out: Path, manifests: int, charts: int) -> list[Path]:
    """`manifests` files of five objects each (Deployment, Service, ConfigMap, PDB,
    NetworkPolicy), `charts` Helm charts with two per-environment values files, and a
    kustomize base with two overlays."""
    if out.exists():
        shutil.rmtree(out)
    yaml_files = []
    for n in range(manifests):
        path = out / "k8s" / f"team-{n % 20}" / f"svc-{n}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        tag = "latest" if n % 10 == 0 else f"1.{n}.0"
        path.write_text(DEPLOYMENT.format(n=n, team=n % 20, replicas=2 + n % 3, tag=tag,
                                          digest=DIGEST_HEX) + K8S_EXTRA.format(n=n, team=n % 20))
        yaml_files.append(path)
    for n in range(charts):
        for name, text in CHART.items():
            path = out / "charts" / f"app-{n}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.format(n=n))
            if name.startswith(("values", "Chart")):
                yaml_files.append(path)
    kustomize = out / "deploy"
    (kustomize / "base").mkdir(parents=True, exist_ok=True)
    base = kustomize / "base" / "app.yaml"
    base.write_text(DEPLOYMENT.format(n=0, team=0, replicas=2, tag="1.0.0", digest=DIGEST_HEX)
                    + K8S_EXTRA.format(n=0, team=0))
    (kustomize / "base" / "kustomization.yaml").write_text("resources: [app.yaml]\n")
    for env in ("staging", "prod"):
        (kustomize / env).mkdir(exist_ok=True)
        (kustomize / env / "kustomization.yaml").write_text(
            f"resources: [../base]\nnamePrefix: {env}-\nnamespace: {env}\n")
    yaml_files.append(base)
    return yaml_files


def bare_parse_seconds(files: list[Path]) -> tuple[float, int]:
    """Read and parse every YAML file with CSafeLoader: the floor, in-process."""
    start = time.perf_counter()
    documents = 0
    for path in files:
        documents += sum(1 for _ in yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader))
    return time.perf_counter() - start, documents


NATIVE_ONLY = ["--disable-plugin", "hadolint", "--disable-plugin", "shellcheck"]


def time_cli(args: list[str], cwd: Path) -> tuple[float, dict]:
    """Wall time of one `scaffold check`, writing its JSON report to a file (as CI does): a
    pipe would time this script reading 50 MB as much as scaffold writing it."""
    report = cwd.parent / "report.json"
    start = time.perf_counter()
    result = subprocess.run([str(SCAFFOLD), "check", "--format", "json", "--output", str(report),
                             "--fail-on", "never", "--isolated", *args], cwd=cwd,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"scaffold check failed ({result.returncode}): {result.stderr}")
    return elapsed, json.loads(report.read_text("utf-8"))


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifests", type=int, default=2000)
    parser.add_argument("--dockerfiles", type=int, default=200)
    parser.add_argument("--compose", type=int, default=100)
    parser.add_argument("--charts", type=int, default=20)
    parser.add_argument("--case", choices=("mixed", "kubernetes", "blueprint"), default="mixed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()

    # Byte-compile scaffold as `pip install` does for a regular install: an editable install
    # under PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(HERE.parent / d) for d in
                    ("scaffold", "plugins", "policies"))], check=True, capture_output=True)
    if args.case == "kubernetes":
        return kubernetes_case(args)
    if args.case == "blueprint":
        from blueprint import blueprint_case
        return blueprint_case(args.repeat)
    yaml_files = generate(args.out, args.manifests, args.dockerfiles, args.compose)
    bare = median([bare_parse_seconds(yaml_files)[0] for _ in range(args.repeat)])
    runs = [time_cli(["."], args.out) for _ in range(args.repeat)]
    total = median([elapsed for elapsed, _ in runs])
    native = median([time_cli([*NATIVE_ONLY, "."], args.out)[0] for _ in range(args.repeat)])
    report = runs[0][1]
    one_file = yaml_files[1].relative_to(args.out)
    singles = {name: sorted(time_cli([path], args.out)[0] for _ in range(max(11, args.repeat)))
               for name, path in (("manifest", str(one_file)),
                                  ("Dockerfile", "services/svc-1/Dockerfile"),
                                  ("compose file", "stacks/stack-1/compose.yaml"))}
    documents = report["summary"]["documents"]
    print(f"tree: {args.manifests} manifests, {args.dockerfiles} Dockerfiles, "
          f"{args.compose} compose files ({report['summary']['files']} files checked, "
          f"{documents} documents, {len(report['results'])} policy results)")
    print(f"scaffold check (whole tree, CLI):  {total:6.2f} s   {documents / total:8.0f} docs/s")
    print(f"bare CSafeLoader parse (in-process): {bare:6.2f} s")
    print(f"ratio to the bare parse:            {total / bare:6.2f} x")
    print(f"native checks only (no hadolint/shellcheck): {native:6.2f} s   "
          f"{documents / native:8.0f} docs/s   {native / bare:6.2f} x the bare parse")
    for name, times in singles.items():
        print(f"one {name} (pre-commit case): median {median(times):.3f} s, "
              f"best {times[0]:.3f} s")
    return 0


def kubernetes_case(args: argparse.Namespace) -> int:
    manifests = args.manifests if args.manifests != 2000 else 5000
    yaml_files = generate_kubernetes(args.out, manifests, args.charts)
    bare = median([bare_parse_seconds(yaml_files)[0] for _ in range(args.repeat)])
    without_checkov = ["--disable-plugin", "checkov"]
    runs = [time_cli([*without_checkov, "."], args.out) for _ in range(args.repeat)]
    total = median([elapsed for elapsed, _ in runs])
    report = runs[0][1]
    documents = report["summary"]["documents"]
    objects = sum(1 for r in report["results"] if r["code"] == "KUBE501")
    print(f"tree: {manifests} manifest files, {args.charts} Helm charts x 3 values files, "
          f"2 kustomize overlays ({report['summary']['files']} files checked, {objects} objects, "
          f"{documents} documents, {len(report['results'])} policy results)")
    print(f"scaffold check (whole tree, CLI, checkov off): {total:6.2f} s   "
          f"{documents / total:8.0f} docs/s   {objects / total:8.0f} objects/s")
    print(f"bare CSafeLoader parse (in-process):           {bare:6.2f} s")
    print(f"ratio to the bare parse:                        {total / bare:6.2f} x")
    one = sorted(time_cli([*without_checkov, str(yaml_files[1].relative_to(args.out))],
                          args.out)[0] for _ in range(max(11, args.repeat)))
    print(f"one manifest (pre-commit case): median {median(one):.3f} s, best {one[0]:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

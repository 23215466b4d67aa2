"""A tree with the usual mess of a real repository: every native Dockerfile and .dockerignore
finding is asserted with its file and line, so a check that drifts by one line fails here."""

from __future__ import annotations

import json

from conftest import run_cli, scan

MAIN = """\
# syntax=docker/dockerfile:1.7
ARG NODE_VERSION=22.11.0
ARG REGISTRY=docker.io

FROM --platform=$BUILDPLATFORM ${REGISTRY}/library/node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \\
    npm ci

FROM deps AS build
COPY . .
# scaffold: ignore=DF040 -- the build script's output is checked by the next step
RUN npm run build \\
    | tee /tmp/build.log && \\
    cd dist && ls
RUN <<EOF
set -eu
apt-get update
apt-get install -y --no-install-recommends jq=1.6-2.1
curl -sSL https://example.com/install.sh | sh
EOF

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \\
    API_TOKEN=abc123def456ghi
COPY --from=build /app/dist /srv/dist
COPY --from=deps /app/node_modules /srv/node_modules
WORKDIR /srv
ONBUILD RUN apt-get update
USER node
EXPOSE 3000 22
CMD node dist/server.js
"""

WEB = """\
FROM nginx:1.27.2-alpine@sha256:2140dad235c130ac861018a4e13a6bc8aea3a35f3a40e20c1b060d51a7efd250
COPY <<EOF /etc/nginx/conf.d/default.conf
server { listen 8080; }
EOF
# a comment right after the heredoc terminator
RUN apk add curl
USER 101
HEALTHCHECK CMD ["wget", "-q", "--spider", "http://localhost:8080/"]
"""

CONTAINERFILE = """\
FROM registry.example.net/base/ubi:9 AS base
RUN dnf install -y --nogpgcheck httpd
FROM base
COPY id_rsa /root/.ssh/id_rsa
USER 0
"""

WINDOWS = """\
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022@sha256:3333333333333333333333333333333333333333333333333333333333333333
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
WORKDIR C:\\app
RUN Invoke-WebRequest https://example.com/app.zip -OutFile app.zip; `
    Expand-Archive app.zip -DestinationPath C:\\app | Out-Null
USER ContainerUser
HEALTHCHECK CMD ["powershell", "-Command", "exit 0"]
ENTRYPOINT ["C:\\\\app\\\\app.exe"]
"""

CRLF = (b"FROM python:3.12\r\nRUN pip install flask \\\r\n    gunicorn\r\nUSER 10001\r\n"
        b'HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\r\nCMD ["gunicorn", "app:app"]\r\n')

TREE = {
    "Dockerfile": MAIN,
    "services/api/Dockerfile.prod": CRLF,
    "services/web/web.dockerfile": WEB,
    "windows/Dockerfile": WINDOWS,
    "empty/Dockerfile": "",
    "Containerfile": CONTAINERFILE,
    ".dockerignore": "node_modules\n.git\n*.pem\n",
}

EXPECTED = [
    ("DI002", ".dockerignore", 1, None),
    ("DI003", ".dockerignore", 1, None),
    ("DF008", "Containerfile", 1, None),
    ("DF009", "Containerfile", 1, None),
    ("DF029", "Containerfile", 2, None),
    ("DF036", "Containerfile", 2, None),
    ("DF003", "Containerfile", 3, None),
    ("DF016", "Containerfile", 4, None),
    ("DF002", "Containerfile", 5, None),
    ("DF008", "Dockerfile", 5, None),
    ("DF040", "Dockerfile", 15, "inline"),  # the ignore above the RUN reaches its 2nd line
    ("DF006", "Dockerfile", 16, None),
    ("DF014", "Dockerfile", 21, None),  # inside the heredoc script
    ("DF040", "Dockerfile", 21, None),
    ("DF003", "Dockerfile", 24, None),
    ("DF008", "Dockerfile", 24, None),
    ("DF007", "Dockerfile", 25, None),
    ("DF021", "Dockerfile", 30, None),  # ONBUILD RUN
    ("DF010", "Dockerfile", 31, None),
    ("DF018", "Dockerfile", 32, None),
    ("DF039", "Dockerfile", 33, None),
    ("CORE001", "empty/Dockerfile", 1, None),
    ("DF008", "services/api/Dockerfile.prod", 1, None),
    ("DF028", "services/api/Dockerfile.prod", 2, None),
    ("DF032", "services/api/Dockerfile.prod", 2, None),
    ("DF027", "services/web/web.dockerfile", 6, None),
    ("DF031", "services/web/web.dockerfile", 6, None),
]


def _native(report):
    return [(f.code, f.path, f.line, f.suppressed) for f in report.findings
            if f.code.startswith(("DF", "DI", "CORE"))]


def test_real_world_tree_reports_exact_codes_and_lines(tree) -> None:
    report = scan(tree(TREE))
    assert _native(report) == EXPECTED
    # build-stage caches, the API token's value and stage names never leak into messages
    messages = " ".join(f.message for f in report.findings)
    assert "abc123def456ghi" not in messages


def test_the_cli_survives_the_same_tree(tree) -> None:
    result = run_cli("check", "--format", "json", cwd=tree(TREE))
    assert "Traceback" not in result.stdout + result.stderr
    found = {(f["code"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert {(code, path, line) for code, path, line, _ in EXPECTED} <= found


def test_a_clean_multi_stage_dockerfile_has_no_native_findings(tree) -> None:
    project = tree({
        ".dockerignore": ".git\n.env\n**/*.pem\n**/*.key\n**/id_rsa*\n",
        "Dockerfile": """\
            # syntax=docker/dockerfile:1.7
            ARG PYTHON_VERSION=3.12.7
            FROM python:${PYTHON_VERSION}-slim@sha256:2a6386ad2db20e7f55073f69a98d6da2cf9f168e05e7487d2670baeb9b7601c5 AS build
            ENV PIP_NO_CACHE_DIR=1
            WORKDIR /src
            RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
                --mount=type=cache,target=/var/lib/apt,sharing=locked \\
                apt-get update \\
             && apt-get install -y --no-install-recommends build-essential=12.9
            COPY requirements.txt .
            RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt
            COPY . .

            FROM python:${PYTHON_VERSION}-slim@sha256:2a6386ad2db20e7f55073f69a98d6da2cf9f168e05e7487d2670baeb9b7601c5
            SHELL ["/bin/bash", "-o", "pipefail", "-c"]
            RUN apt-get update \\
             && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\
             && rm -rf /var/lib/apt/lists/* \\
             && useradd --uid 10001 --no-create-home app
            WORKDIR /app
            COPY --from=build /opt/venv /opt/venv
            COPY --from=build --chown=10001:10001 /src/app ./app
            ENV PATH="/opt/venv/bin:$PATH" PYTHONUNBUFFERED=1
            USER 10001:10001
            EXPOSE 8000
            HEALTHCHECK --interval=30s CMD ["curl", "-fsS", "http://localhost:8000/healthz"]
            ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
            """,
    })
    assert _native(scan(project)) == []

#!/usr/bin/env bash
# Set up everything the tests need from the project's own files, then run them.
# Idempotent: a second run reuses .venv and only re-installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The real external tools the integration tests run: helm, kubectl (kustomize), checkov.
bash tests/install-tools.sh
export PATH="$PWD/.tools/bin:$PATH"

exec .venv/bin/python -m pytest -q "$@"

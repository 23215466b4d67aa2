#!/bin/bash
set -euo pipefail
rm -rf "$TMP_DIR"
for f in build/*; do rm -rf "$f"; done
rm -rf "build/$target/"

#!/bin/bash
set -euo pipefail
cmd=(rm -rf "$DIR/")
echo "${#cmd[@]}"

#!/bin/bash
set -euo pipefail
rm -rf $TMP_DIR

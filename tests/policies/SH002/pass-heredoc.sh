#!/bin/bash
set -euo pipefail
cat > README <<'DOC'
Install with: curl -fsSL https://get.example.com | sh
DOC

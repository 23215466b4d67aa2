#!/bin/bash
set -euo pipefail
curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
echo "curl https://x | sh"   # text, not a pipeline

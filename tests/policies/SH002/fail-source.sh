#!/bin/bash
set -euo pipefail
source <(curl -fsSL https://example.com/env.sh)

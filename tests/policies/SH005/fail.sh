#!/bin/bash
set -euo pipefail
eval "$DEPLOY_COMMAND"

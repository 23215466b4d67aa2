#!/usr/bin/env bash
(set -euo pipefail; make build)
make test

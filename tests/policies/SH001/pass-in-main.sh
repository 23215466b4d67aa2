#!/bin/bash
main() {
  set -euo pipefail
  echo ok
}
main "$@"

#!/bin/bash
# shellcheck disable=SC2034 shell=bash
set -euo pipefail

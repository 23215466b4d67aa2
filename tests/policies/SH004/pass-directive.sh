# shellcheck shell=bash
die() { echo "$*" >&2; exit 1; }

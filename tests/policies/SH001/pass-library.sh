# shellcheck shell=bash
log() { echo "$*" >&2; }

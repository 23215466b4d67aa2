#!/bin/bash
set -euo pipefail
eval "$(ssh-agent -s)"
eval "$(pyenv init -)"
OPTIONS=$(getopt -o hv -- "$@")
eval set -- "$OPTIONS"
eval "set -- $OPTIONS"

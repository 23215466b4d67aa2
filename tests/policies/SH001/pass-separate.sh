#!/bin/ksh
set -o errexit
set -o nounset
set -o pipefail
echo ok

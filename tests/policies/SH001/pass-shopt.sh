#!/bin/bash
set -eu
shopt -so pipefail
echo ok

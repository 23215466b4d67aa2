#!/bin/bash
# comment before
set -Eeuxo pipefail
echo ok

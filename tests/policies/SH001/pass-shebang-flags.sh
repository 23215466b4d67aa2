#!/usr/bin/env -S bash -eu -o pipefail
echo ok

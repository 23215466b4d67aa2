#!/usr/bin/env bash
set -eu
curl -fsS https://example.com/a.tgz | tar -xz

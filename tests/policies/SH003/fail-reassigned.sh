#!/bin/sh
set -eu
OUT=/tmp/out
OUT=$(mktemp -d)
rm -rf "$OUT/"

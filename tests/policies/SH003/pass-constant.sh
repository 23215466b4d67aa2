#!/bin/sh
set -eu
BUILD=/tmp/build
readonly OUT="dist"
rm -rf $BUILD "$OUT/" "$HOME/.cache/tool" /tmp/app.$$

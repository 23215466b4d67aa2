#!/bin/sh
set -eu
rm -rf -- "${PREFIX:?}/"
rm -rf "${STAGING:?must be set}"/*
rm -rf "${CACHE:-/tmp/cache}/"

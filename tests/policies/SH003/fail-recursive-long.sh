#!/bin/sh
set -eu
rm --recursive --force "$DIR/"

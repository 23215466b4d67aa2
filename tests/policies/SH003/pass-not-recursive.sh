#!/bin/sh
set -eu
rm -f "$PIDFILE/"

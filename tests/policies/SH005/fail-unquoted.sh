#!/bin/sh
set -eu
eval ${SETUP}

#!/bin/sh
set -eu
eval 'echo $$'

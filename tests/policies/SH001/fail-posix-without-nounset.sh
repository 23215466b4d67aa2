#!/bin/sh
set -e
echo "$1"

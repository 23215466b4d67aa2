#!/bin/sh
set -eu
name=$1
value=$2
eval "export $name=$value"

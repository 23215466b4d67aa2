#!/bin/sh
set -eu
sudo rm -r "$1/lib"

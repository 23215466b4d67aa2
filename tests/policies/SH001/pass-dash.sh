#!/bin/dash
set -e -u
echo ok

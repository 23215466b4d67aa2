#!/bin/bash
set -eo pipefail -u
echo ok

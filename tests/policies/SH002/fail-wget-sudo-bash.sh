#!/bin/bash
set -euo pipefail
wget -qO- https://get.example.com/install.sh \
  | sudo -E bash -s -- --version 1.2

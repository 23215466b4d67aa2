#!/bin/bash
set -euo pipefail
rm -rf -- "${STAGING}"/*

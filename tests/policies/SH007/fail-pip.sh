#!/bin/sh
set -eu
pip install --trusted-host pypi.internal -r requirements.txt

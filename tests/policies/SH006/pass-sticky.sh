#!/bin/sh
set -eu
mkdir -p /srv/shared
chmod 1777 /srv/shared

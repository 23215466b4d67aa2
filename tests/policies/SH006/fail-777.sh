#!/bin/sh
set -eu
chmod 777 /srv/data

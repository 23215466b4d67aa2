#!/bin/sh
set -eu
chmod 755 /srv/app
chmod 0644 /srv/app/config
chmod u+x,go-w run.sh
chmod +x run.sh

#!/bin/sh
set -eu
chmod a+rwx /srv/data
chmod u+x,o+w run.sh

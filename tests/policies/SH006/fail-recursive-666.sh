#!/bin/sh
set -eu
sudo chmod -R 0666 /var/log/app

#!/bin/sh
set -eu
curl -fsSLk https://downloads.example.com/app.tgz -o app.tgz

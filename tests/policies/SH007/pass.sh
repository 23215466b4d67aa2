#!/bin/sh
set -eu
curl -fsSL --cacert /etc/ssl/company.pem -o app.tgz https://downloads.example.com/app.tgz
curl -o k.txt https://example.com/k.txt
wget https://downloads.example.com/app.tgz
git clone https://git.example.com/app.git
export NODE_TLS_REJECT_UNAUTHORIZED=1

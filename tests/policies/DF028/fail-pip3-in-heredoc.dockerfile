FROM python:3.12.7-slim
RUN <<EOF
set -e
pip3 install --user -r requirements.txt
EOF

FROM node:22.11.0-slim
COPY <<EOF /root/.npmrc
//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789
EOF

FROM node:22.11.0-slim
RUN npm install -g pm2@5.4.2 @angular/cli@^18.2.0 typescript@~5.6 \
    && npm ci \
    && npm install \
    && npm install ./local-pkg ../other user/repo git+https://github.com/x/y.git#v1 "$PKG" \
    && yarn install --frozen-lockfile && pnpm add -D vitest@2.1.5

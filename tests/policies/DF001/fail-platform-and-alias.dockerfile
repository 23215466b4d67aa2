FROM --platform=$BUILDPLATFORM node AS web
RUN npm ci
FROM nginx:1.27.2
COPY --from=web /app/dist /usr/share/nginx/html

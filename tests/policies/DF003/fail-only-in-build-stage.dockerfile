FROM nginx:1.27.2 AS base
HEALTHCHECK CMD ["true"]
FROM alpine:3.20
USER 101

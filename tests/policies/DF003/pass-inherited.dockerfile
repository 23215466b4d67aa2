FROM nginx:1.27.2 AS base
HEALTHCHECK CMD ["true"]
FROM base
USER 101

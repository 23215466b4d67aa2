FROM nginx:1.27.2 AS base
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
FROM base
HEALTHCHECK --interval=10s CMD ["curl", "-f", "http://localhost/health"]

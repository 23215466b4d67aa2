FROM nginx:1.27.2
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
ONBUILD HEALTHCHECK CMD ["true"]

FROM nginx:1.27.2
HEALTHCHECK --interval=30s \
  CMD wget -q --spider http://localhost/ || exit 1
USER 101

FROM nginx:1.27.2
HEALTHCHECK NONE
HEALTHCHECK CMD wget -q --spider http://localhost/ || exit 1

FROM nginx:1.27.2
COPY certs/*.key /etc/nginx/certs/

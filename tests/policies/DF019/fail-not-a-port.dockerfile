FROM nginx:1.27.2
EXPOSE http

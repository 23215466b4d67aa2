FROM debian:12.7-slim
RUN apt-get update && wget -qO- https://get.example.com/install.sh | sudo sh -s -- --yes

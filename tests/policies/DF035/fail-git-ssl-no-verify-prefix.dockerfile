FROM alpine:3.20
RUN GIT_SSL_NO_VERIFY=true git clone https://git.example.com/x.git

FROM alpine:3.20
RUN apk update && mkdir /x
RUN apk add curl

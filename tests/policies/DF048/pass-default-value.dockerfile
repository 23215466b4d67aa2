FROM ${BASE_IMAGE:-alpine:3.20}

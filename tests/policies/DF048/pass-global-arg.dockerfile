ARG TAG
ARG REGISTRY=docker.io
FROM ${REGISTRY}/library/alpine:${TAG:-3.20}

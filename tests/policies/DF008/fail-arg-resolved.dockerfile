ARG BASE=ghcr.io/example/base:1.4
FROM ${BASE}

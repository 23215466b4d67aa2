FROM docker.io/library/python:3.12.7-slim AS a
FROM ghcr.io/astral-sh/uv:0.4.29 AS b
FROM quay.io/prometheus/busybox:latest AS c
FROM eu.gcr.io/distroless/static:nonroot AS d
FROM public.ecr.aws/docker/library/nginx:1.27 AS e
FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS f
FROM registry.k8s.io/pause:3.9 AS g
FROM node:22.11.0-slim
COPY --from=a /usr/local/bin/python3 /x

FROM golang:1.23.2 AS build-api
FROM node:22.11.0-slim AS build-web
FROM alpine:3.20
FROM alpine:3.20

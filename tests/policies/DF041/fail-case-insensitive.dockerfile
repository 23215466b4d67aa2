FROM golang:1.23.2 AS build
FROM node:22.11.0-slim AS Build
FROM alpine:3.20

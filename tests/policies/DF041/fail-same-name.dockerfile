FROM golang:1.23.2 AS build
FROM golang:1.23.2 AS build

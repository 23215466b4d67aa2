FROM --platform=linux/amd64 alpine:3.20 AS tools-amd64
FROM --platform=linux/arm64/v8 alpine:3.20 AS tools-arm64

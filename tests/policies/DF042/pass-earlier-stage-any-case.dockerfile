FROM golang:1.23.2 AS Build
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=BUILD /out/app /app
COPY --from=0 /out/app /app2
RUN --mount=type=cache,target=/root/.cache --mount=from=build,source=/out,target=/mnt ls /mnt

FROM alpine:3.20 AS build
RUN apk add build-base
FROM alpine:3.20
COPY --from=build /x /x

FROM debian:12.7-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc
FROM debian:12.7-slim
COPY --from=build /usr/bin/gcc /usr/bin/gcc

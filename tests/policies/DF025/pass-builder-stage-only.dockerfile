FROM debian:12.7-slim AS build
RUN apt-get update && apt-get install -y build-essential
FROM debian:12.7-slim
COPY --from=build /out /out

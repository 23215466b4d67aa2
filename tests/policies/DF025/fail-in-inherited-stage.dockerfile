FROM debian:12.7-slim AS base
RUN apt-get update && apt-get install -y curl
FROM base
CMD ["curl"]

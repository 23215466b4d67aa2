ARG REGISTRY
FROM ${REGISTRY}/base:1.0 AS base
FROM base
COPY --from=base /etc/os-release /x

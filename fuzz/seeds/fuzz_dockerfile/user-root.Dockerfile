FROM debian:12 AS base
USER app
FROM base
USER root:root
HEALTHCHECK CMD curl -f http://localhost/ || exit 1

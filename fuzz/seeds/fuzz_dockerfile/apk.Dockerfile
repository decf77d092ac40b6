FROM alpine:3.19 AS builder
RUN apk add build-base
FROM alpine:3.19
RUN apk update
RUN apk add --no-cache curl=8.5.0-r0 bash~5.2
RUN apk add --virtual .deps gcc && rm -rf /var/cache/apk/*
RUN apk --update add jq
RUN apk upgrade
USER nobody
HEALTHCHECK NONE

# vigil global ignore=VGL-DF-003
FROM alpine:latest
MAINTAINER someone@example.com
# hadolint ignore=DL3018,DL3019
RUN apk add curl
# vigil ignore=VGL-DF-013
# another comment
RUN cd /tmp && echo ok
# hadolint ignore=DL3003

RUN cd /var
USER nobody

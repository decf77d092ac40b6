FROM alpine:3.19
ARG APPDIR=/srv/app
WORKDIR app
WORKDIR $APPDIR
WORKDIR ${HOME}/x
WORKDIR "/quoted path"
RUN cd /tmp && make
RUN ["cd", "/x"]
USER nobody
HEALTHCHECK NONE

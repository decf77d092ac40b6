# Built by tests/system/test_misconf.sh: a multi-stage build without Dockerfile findings; its image
# still shows alpine's attack surface (shell, apk, wget) and nothing else.
FROM alpine:3.10 AS build
RUN echo 'int main(void) { return 0; }' > /main.c
FROM alpine:3.10
COPY --from=build /main.c /app/main.c
RUN adduser -D -u 10001 app
USER app
HEALTHCHECK --interval=30s CMD ["/bin/true"]
CMD ["/bin/sh"]

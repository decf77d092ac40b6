FROM debian:12-slim
LABEL org.opencontainers.image.title="demo" \
      org.opencontainers.image.authors="Someone <someone@example.com>"
ENV PATH=/opt/app/bin:$PATH LANG=C.UTF-8
ENV OLD_FORM this is the value
STOPSIGNAL SIGTERM
VOLUME ["/data"]
VOLUME /cache /logs
   # an indented comment
RUN set -eux; \
    groupadd -r app; \
    useradd -r -g app app
USER app
HEALTHCHECK --interval=5m --timeout=3s --retries=3 \
  CMD ["/opt/app/bin/health"]
CMD ["/opt/app/bin/run"]

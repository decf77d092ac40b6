FROM alpine:3.19
ADD app.tar.gz /opt/
ADD config.yaml /etc/app/
ADD https://example.com/tool.tgz /tmp/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/x /x
COPY a.txt b.txt /dest
COPY ["a.txt", "b.txt", "/dest/"]
COPY --chown=1000:1000 a.txt b.txt c.txt /dest
USER nobody
HEALTHCHECK NONE

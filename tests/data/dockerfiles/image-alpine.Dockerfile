# Built by tests/system/test_misconf.sh with the real dockerd (offline: FROM the alpine:3.10 fixture,
# --network none); every finding the image can show is checked against the image checks.
FROM alpine:3.10
ARG NPM_TOKEN=s3cr3t-build-arg
ENV DB_PASSWORD=hunter2
ADD hello.txt /opt/hello.txt
COPY fake-sudo.sh /usr/bin/sudo
RUN apk update || true
RUN sudo touch /etc/sudo-was-here
RUN cp /bin/busybox /usr/local/bin/bb && chmod u+s /usr/local/bin/bb
RUN touch /etc/app.conf && chmod 666 /etc/app.conf
RUN echo 'toor:x:0:0:root:/root:/bin/sh' >> /etc/passwd && echo 'toor::18000:0:99999:7:::' >> /etc/shadow
VOLUME /var/run/docker.sock
CMD ["/bin/sh"]

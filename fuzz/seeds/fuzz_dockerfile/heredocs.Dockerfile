# syntax=docker/dockerfile:1.4
FROM debian:12
RUN <<EOF
apt-get update
apt-get install -y curl
EOF
RUN <<-EOT bash
	set -e
	sudo true
	EOT
COPY <<EOF /etc/app.conf
key=value
EOF
RUN python3 <<PY
import os
os.system("apt-get update")
PY
COPY <<FILE1 <<FILE2 /etc/
one
FILE1
two
FILE2
USER nobody
HEALTHCHECK NONE

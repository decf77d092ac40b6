FROM debian:12
RUN curl -fsSL https://example.com/install.sh | sh
RUN set -o pipefail && wget -qO- https://example.com/x.tar.gz | tar xz
RUN wget -O- https://example.com/a | bash -s -- --yes
RUN bash -c "$(curl -fsSL https://example.com/install.sh)"
RUN echo a || echo b
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN ls | grep x
RUN curl -s https://example.com | sudo bash
USER nobody
HEALTHCHECK NONE

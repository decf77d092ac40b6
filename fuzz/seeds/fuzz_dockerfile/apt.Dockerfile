FROM debian:12
RUN apt-get update
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20230311 && rm -rf /var/lib/apt/lists/*
RUN apt-get install curl
RUN apt-get -qq install --no-install-recommends wget=1.21.3-1+b2 && rm -rf /var/lib/apt/lists/*
RUN DEBIAN_FRONTEND=noninteractive apt-get install -yq -o APT::Install-Recommends=false git=1:2.39.2-1.1 \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get dist-upgrade -y
RUN apt install -y vim
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends make=4.3-4.1
RUN echo "apt-get update" && printf 'apt-get install x\n'
USER nobody
HEALTHCHECK NONE

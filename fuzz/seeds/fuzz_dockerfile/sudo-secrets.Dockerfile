ARG GITHUB_TOKEN=ghp_example
FROM debian:12
ARG NPM_TOKEN
ENV DB_PASSWORD=hunter2 APP_NAME=demo
ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D
ENV AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=AKIAEXAMPLE
ENV API_KEY_FILE=/run/secrets/api_key
ENV SECRET=""
RUN sudo apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*
RUN echo "sudo is just a word here"
USER nobody
HEALTHCHECK NONE

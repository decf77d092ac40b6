# syntax=docker/dockerfile:1
FROM alpine:3.19 AS build
RUN apk add --no-cache gcc=13.2.1_git20231014-r0 musl-dev=1.2.4_git20230717-r4
WORKDIR /src
COPY main.c ./
RUN gcc -o /hello main.c

FROM alpine:3.19
RUN addgroup -S app && adduser -S app -G app
COPY --from=build /hello /usr/local/bin/hello
USER app
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/hello", "--health"]
ENTRYPOINT ["/usr/local/bin/hello"]

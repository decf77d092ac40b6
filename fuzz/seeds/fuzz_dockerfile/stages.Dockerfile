FROM golang:1.22 AS build
COPY --from=build /x /y
FROM alpine:3.19 AS build
COPY --from=1 /a /b
FROM alpine:3.19 AS final
COPY --from=build /go/bin/app /app
USER 1000
HEALTHCHECK NONE

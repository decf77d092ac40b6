FROM alpine:3.19
RUN ["/bin/sh", "-c", \
     "apk add --no-cache tini=0.19.0-r2"]
CMD [ "echo", \
  # a comment inside the continuation
  "hello" ]
ENTRYPOINT ["broken", "json"   
USER nobody
HEALTHCHECK NONE

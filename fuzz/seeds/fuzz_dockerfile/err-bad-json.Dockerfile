FROM alpine:3.19
CMD ["echo", 1]

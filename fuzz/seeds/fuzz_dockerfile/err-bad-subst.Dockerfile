FROM alpine:3.19
ENV A=${B

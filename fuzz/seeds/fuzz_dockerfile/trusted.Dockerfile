FROM registry.example.com/base/debian:12 AS a
FROM quay.io/prometheus/busybox:1.36 AS b
FROM nginx:1.25 AS c
FROM ghcr.io/org/app:1.0

FROM fedora:39
RUN dnf install -y nginx && dnf clean all
RUN yum install httpd
RUN microdnf install -y jq && microdnf clean all
RUN zypper install -y vim
RUN zypper --non-interactive install less && zypper clean -a
RUN dnf makecache
RUN dnf upgrade -y
USER nginx
HEALTHCHECK NONE

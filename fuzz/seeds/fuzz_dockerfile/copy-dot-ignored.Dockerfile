FROM node:20-alpine
WORKDIR /app
COPY . .
COPY --from=node:20 /usr/local/bin/node ./
ADD ./ /app/
USER node
HEALTHCHECK NONE

FROM node:20
ONBUILD COPY package.json /app/
ONBUILD RUN npm install express
ONBUILD RUN sudo make install
HEALTHCHECK NONE
USER node

FROM python:3.12-slim
RUN pip install --no-cache-dir requests==2.31.0 flask
RUN pip3 install -r requirements.txt
RUN python3 -m pip install --no-cache-dir "django>=4.2" ./local-pkg
RUN pip install --upgrade pip
RUN npm install -g typescript@5.3.3 eslint @types/node @scope/pkg@1.0.0
RUN npm ci
RUN gem install rails:7.1.0 bundler
RUN gem install nokogiri -v 1.16.0
USER nobody
HEALTHCHECK NONE

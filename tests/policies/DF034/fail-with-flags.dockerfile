FROM ruby:3.3.6-slim
RUN gem install --no-document rails

FROM ruby:3.3.6-slim
RUN gem install bundler:2.5.22 \
    && gem install rails -v 7.2.2 --no-document \
    && gem install --version '~> 1.16' nokogiri \
    && gem install ./vendor/local.gem \
    && bundle install

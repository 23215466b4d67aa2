FROM ubuntu:24.04
RUN mysql --user=root --password=hunter2 -e 'select 1'

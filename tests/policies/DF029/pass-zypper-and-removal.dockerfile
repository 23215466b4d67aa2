FROM opensuse/leap:15.6
RUN zypper -n in curl && zypper clean --all
RUN zypper -n in git && rm -rf /var/cache/zypp/*

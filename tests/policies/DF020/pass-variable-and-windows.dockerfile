FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win
WORKDIR C:\\app
FROM node:22.11.0-slim
WORKDIR $HOME/app
WORKDIR "/quoted dir"

#!/bin/bash
cd /srv/app
./deploy

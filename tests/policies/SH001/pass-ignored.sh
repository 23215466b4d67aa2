#!/bin/bash
# scaffold: ignore=SH001 -- sourced by the CI runner, which sets its own options
echo "$PATH"

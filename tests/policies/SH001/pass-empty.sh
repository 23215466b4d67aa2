#!/bin/bash
# nothing yet

set -eu
./configure && make

echo "run me with sh"
rm -f /tmp/cache

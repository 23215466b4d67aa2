set -euo pipefail
echo ok

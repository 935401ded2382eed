#!/usr/bin/env bash
# Side-by-side benchmark, ours against PyTorch (Debian python3-torch + libopenblas0-pthread):
#   tools/peer_bench/run.sh [--rounds 3] [--threads 1,2] [--quick] [--only TEXT] [--busy]
# Needs model-core/target/asr3m.jar (./mvnw -B -q -pl model-core -am -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "PyTorch for the peer side is missing: apt-get install python3-torch libopenblas0-pthread" >&2
  exit 2
fi
exec /usr/bin/python3 tools/peer_bench/run.py "$@"

#!/usr/bin/env bash
# Regenerates the tiny synthetic Mandarin corpus (recipes/tiny-cmn/audio and recipes/tiny-cmn/data)
# from recipes/tiny-cmn/local/sentences.txt with espeak-ng + sox + flac. Deterministic: two runs
# give byte-identical FLAC files. Runnable from any directory:
#
#   bash recipes/tiny-cmn/local/make_corpus.sh
#
# Needs the Debian/Ubuntu packages espeak-ng sox libsox-fmt-all flac python3-numpy:
#   apt-get update && apt-get install -y espeak-ng sox libsox-fmt-all flac python3-numpy
set -euo pipefail
export LC_ALL=C

local_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$local_dir")"

for tool in espeak-ng sox soxi flac; do
  command -v "$tool" >/dev/null || {
    echo "make_corpus.sh: '$tool' not found; apt-get install -y espeak-ng sox libsox-fmt-all flac python3-numpy" >&2
    exit 1
  }
done
python=/usr/bin/python3
[ -x "$python" ] || python=python3
"$python" -c 'import numpy' 2>/dev/null || {
  echo "make_corpus.sh: $python has no numpy; apt-get install -y python3-numpy" >&2
  exit 1
}

echo "espeak-ng: $(espeak-ng --version | sed 's/  Data at.*//')" >&2
echo "sox:       $(sox --version | sed 's/^sox: *//')" >&2
echo "flac:      $(flac --version)" >&2

# Overwrite: start from empty output directories (only the ones this script writes).
for split in train dev test; do
  rm -rf "$root/audio/$split" "$root/data/$split"
done
rm -f "$root/data/conditions.tsv"
"$python" "$local_dir/synth_corpus.py" "$root"

echo "audio size: $(du -sb "$root/audio" | cut -f1) bytes" >&2

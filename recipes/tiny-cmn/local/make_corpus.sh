#!/usr/bin/env bash
# Regenerates the tiny synthetic Mandarin corpus (recipes/tiny-cmn/local/sentences.txt,
# recipes/tiny-cmn/audio and recipes/tiny-cmn/data): the sentences from our grammar
# (gen_sentences.py), then speech with espeak-ng + sox + flac (synth_corpus.py). Deterministic: two
# runs give byte-identical files. Runnable from any directory:
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
# 1200 train + 100 dev + 200 test sentences (what fits the repository's 30 MB audio budget), all
# within the grammar's 120 most frequent characters and at most 12 characters long, taken from the
# five domains in turn: fewer distinct characters, each seen more often (README.md, version 3)
"$python" "$local_dir/gen_sentences.py" 1500 "$root/local/sentences.txt" \
  --top-chars 120 --max-chars 12 --candidates 30000 --balance
"$python" "$local_dir/synth_corpus.py" "$root" --dev 100 --test 200

echo "audio size: $(du -sb "$root/audio" | cut -f1) bytes" >&2

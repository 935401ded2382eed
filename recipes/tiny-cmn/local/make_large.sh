#!/usr/bin/env bash
# The larger training set where model capacity matters (not committed: about 13 MB of FLAC per
# 1,000 sentences, measured with N = 300). Writes recipes/tiny-cmn/audio/large/ and recipes/tiny-cmn/data/train_large/:
# the committed train split plus N more sentences of the same grammar (default 12,000), with all of
# its 380 characters, not only the committed corpus's frequent ones (the grammar's sentences in
# generation order, leaving out the committed ones, so dev and test stay unseen), spoken by the training voices
# and stored clean like train. Deterministic like make_corpus.sh. Usage (from any directory):
#
#   bash recipes/tiny-cmn/local/make_large.sh [N]
#
# Then train with --train-data recipes/tiny-cmn/data/train_large (dev and test are unchanged).
set -euo pipefail
export LC_ALL=C

local_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$local_dir")"
extra=${1:-12000}
python=/usr/bin/python3
[ -x "$python" ] || python=python3
for tool in espeak-ng sox flac; do
  command -v "$tool" >/dev/null || { echo "make_large.sh: '$tool' not found (see make_corpus.sh)" >&2; exit 1; }
done

base=$(wc -l < "$root/local/sentences.txt")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$python" "$local_dir/gen_sentences.py" $((base + extra)) "$tmp/grammar.txt"
# sentences.txt first (synth_corpus.py checks it), then the first N grammar sentences not in it
grep -vxFf "$root/local/sentences.txt" "$tmp/grammar.txt" > "$tmp/new.txt"
{ cat "$root/local/sentences.txt"; head -n "$extra" "$tmp/new.txt"; } > "$tmp/sentences.txt"
[ "$(wc -l < "$tmp/sentences.txt")" -eq $((base + extra)) ] || { echo "make_large.sh: the grammar gave fewer than $extra new sentences" >&2; exit 1; }
rm -rf "$root/audio/large" "$root/data/train_large"
"$python" "$local_dir/synth_corpus.py" "$root" --large "$tmp/sentences.txt"
# the files' bytes and a digest of their contents, to compare regenerations (du -sb would add the
# directory's own size, which depends on the file system and on what the directory held before)
flac_bytes=$(find "$root/audio/large" -type f -name '*.flac' -printf '%s\n' | awk '{s += $1} END {print s}')
digest=$(cd "$root/audio/large" && find . -type f -name '*.flac' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
echo "audio/large: $flac_bytes bytes of FLAC, content digest $digest" >&2

#!/usr/bin/env bash
# What a reverb costs a trained model, one property at a time: the dev utterances (training voices,
# noise kinds and sentences unseen in training) spoken again dry, in dev's small room, in test's
# hall, and in the hall with one of its sox parameters changed; and each half of test spoken again
# dry and with the hall, with either trailing pad. Prints Markdown tables of CER per set. The audio
# goes to a scratch directory, never into the corpus.
# Usage: bash recipes/tiny-cmn/local/reverb_probe.sh CHECKPOINT [OUT] [MODES]
#   CHECKPOINT: e.g. exp/tiny-cmn/conformer/final; OUT: default exp/tiny-cmn/reverb_probe
#   MODES: default "attention_rescoring ctc_greedy_search"
# Needs espeak-ng, sox, flac and python3-numpy (as local/make_corpus.sh); the synthesis runs once
# per OUT (about 2 minutes), decoding once per checkpoint.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if [ $# -lt 1 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
ckpt=$1
out=${2:-exp/tiny-cmn/reverb_probe}
modes=${3:-"attention_rescoring ctc_greedy_search"}
jar=${jar:-model-core/target/asr3m.jar}
[ -d "$ckpt" ] || { echo "checkpoint directory $ckpt does not exist" >&2; exit 2; }
asr3m() { java -jar "$jar" "$@"; }
. recipes/common/stages.sh
root=recipes/tiny-cmn
# the corpus's own rooms (synth_corpus.py), so that the probe follows them if they change
reverb_of() { (cd $root/local && python3 -c "import synth_corpus as c; print(' '.join(c.REVERBS['$1']))"); }
room=$(reverb_of room)
hall=$(reverb_of hall)
# sox reverb [reverberance HF-damping room-scale stereo-depth pre-delay wet-gain]: the hall with
# parameter $1 (0-based) set to $2
hall_with() { local a; read -r -a a <<< "$hall"; a[$(($1 + 1))]=$2; echo "${a[*]}"; }
dev_sets="dry room hall hall-hf0 hall-hf100 hall-rev30 hall-scale30 hall-pre0 hall-mono hall-wet6"
if [ ! -f "$out/data/dev/hall-wet6/wav.scp" ]; then
  python3 $root/local/reverb_probe.py $root "$out/data/dev" --split dev \
    dry=dry room="$room" hall="$hall" \
    hall-hf0="$(hall_with 1 0)" hall-hf100="$(hall_with 1 100)" \
    hall-rev30="$(hall_with 0 30)" hall-scale30="$(hall_with 2 30)" \
    hall-pre0="$(hall_with 4 0)" hall-mono="$(hall_with 3 0)" \
    hall-wet6="$(hall_with 5 -6)"
fi
if [ ! -f "$out/data/test-hall-half/dry-short/wav.scp" ]; then
  python3 $root/local/reverb_probe.py $root "$out/data/test-hall-half" --split test --only-reverb hall \
    dry=dry hall="$hall"
  python3 $root/local/reverb_probe.py $root "$out/data/test-hall-half" --split test --only-reverb hall --short-pad \
    dry-short=dry
fi
if [ ! -f "$out/data/test-dry-half/hall/wav.scp" ]; then
  python3 $root/local/reverb_probe.py $root "$out/data/test-dry-half" --split test --only-reverb dry --short-pad \
    dry-short=dry
  python3 $root/local/reverb_probe.py $root "$out/data/test-dry-half" --split test --only-reverb dry \
    dry=dry hall="$hall"
fi
dec="$out/decode/$(echo "$ckpt" | tr '/' '_')"
decode_sets "$ckpt" "$dec/dev" "$out/data/dev" "$dev_sets" "$modes"
test_sets="dry-short dry hall"
for half in test-hall-half test-dry-half; do
  decode_sets "$ckpt" "$dec/$half" "$out/data/$half" "$test_sets" "$modes"
done
echo "CER % of $ckpt. dev: all 100 dev utterances under each reverb. test-hall-half / test-dry-half: the"
echo "100 test utterances that have the hall (sox $hall) / no reverb in the corpus, each spoken"
echo "dry with the dry utterances' 0.2 s trailing pad (dry-short), dry with the hall's 0.45 s (dry), and"
echo "with the hall and its 0.45 s (hall); each half's corpus audio is one of these, byte for byte"
echo
score_header "$dev_sets"
score_sets "dev" "$dec/dev" "$out/data/dev" "$dev_sets" "$modes"
echo
score_header "$test_sets"
for half in test-hall-half test-dry-half; do
  score_sets "$half" "$dec/$half" "$out/data/$half" "$test_sets" "$modes"
done

#!/usr/bin/env bash
# WenetSpeech (10k hours, Mandarin) with the asr3m CLI, in WeNet's numbered stages. The flow of the
# 3M paper and the tencent-ailab/3m-asr recipe: embedding network → dense base Conformer → MoE / 3M
# initialised from both → average → decode dev / test_net / test_meeting → CER.
#
#   0 opus → 16 kHz FLAC (ffmpeg)           4 dense base Conformer (conformer.yaml)
#   1 Kaldi data dirs from WenetSpeech.json  5 Conformer-MoE / 3M from the base + embedding network
#   2 training shards, units, global CMVN    6 decode (attention rescoring, CTC prefix beam)
#   3 embedding network, CTC pretraining     7 CER per test set
#
# The corpus is not downloadable anonymously: request it (https://wenet.org.cn/WenetSpeech/), run its
# download script, and point wenetspeech_dir at the directory holding WenetSpeech.json and audio/.
# Usage:
#   wenetspeech_dir=/data/WenetSpeech bash recipes/wenetspeech/run.sh
#   stage=5 moe_recipe=recipes/wenetspeech/conformer_moe_32e.yaml bash recipes/wenetspeech/run.sh
#   dir=recipes/wenetspeech/table3 bash recipes/wenetspeech/run.sh      # the Table 3 (150k-hour) sizes
# GPU: build with `./mvnw -Pcuda -pl model-core package` (CUDA natives) and set device=gpu (default:
# DJL's choice, a GPU when one is visible). Training uses one device per process.
set -euo pipefail
cd "$(dirname "$0")/../.."

stage=${stage:-0}
stop_stage=${stop_stage:-7}
wenetspeech_dir=${wenetspeech_dir:-/data/WenetSpeech}
audio_dir=${audio_dir:-data/wenetspeech/flac}        # converted audio, same relative paths as the release
data=${data:-data/wenetspeech}
train_set=${train_set:-L}                             # L (10k h), M (1k h) or S (100 h)
dir=${dir:-recipes/wenetspeech}
moe_recipe=${moe_recipe:-$dir/3m_16e.yaml}
exp=${exp:-exp/wenetspeech}
nj=${nj:-$(nproc)}
device=${device:-}
max_epochs=${max_epochs:-0}                           # 0: each recipe's max_epoch
data_type=${data_type:-shard}                         # shard: train streams tar shards (WeNet's); raw: the data dir
num_utts_per_shard=${num_utts_per_shard:-1000}
test_sets="dev test_net test_meeting"
modes=${modes:-"attention_rescoring ctc_prefix_beam_search"}
jar=${jar:-model-core/target/asr3m.jar}

if [ ! -f "$jar" ]; then
  ./mvnw -B -q -pl model-core -DskipTests package
fi
asr3m() { java -Xmx8g -jar "$jar" "$@"; }
. recipes/common/stages.sh
dev_opt=()
[ -n "$device" ] && dev_opt=(--device "$device")
train_dir="$data/train_$(echo "$train_set" | tr '[:upper:]' '[:lower:]')"
# WenetSpeech's recordings are long and cut by `segments`: shards hold the cut utterances, so training
# streams them with memory bounded by the recipe's buffers and never decodes a recording per segment
train_data=$train_dir
dev_data=$data/dev
if [ "$data_type" = shard ]; then train_data=$train_dir/shards/shards.list; dev_data=$data/dev/shards/shards.list; fi
name() { basename "$1" .yaml; }
train() { # exp-name recipe [extra args]
  local out=$1 recipe=$2
  shift 2
  asr3m train --recipe "$recipe" --train-data "$train_data" --dev-data "$dev_data" --exp "$exp/$out" \
    --units "$exp/units.txt" --cmvn "$exp/global_cmvn" --max-epochs "$max_epochs" "${dev_opt[@]}" "$@"
}

if [ "$stage" -le 0 ] && [ "$stop_stage" -ge 0 ]; then
  echo "stage 0: opus -> 16 kHz mono FLAC in $audio_dir ($nj jobs)"
  command -v ffmpeg > /dev/null || { echo "stage 0 needs ffmpeg (apt-get install ffmpeg)" >&2; exit 1; }
  (cd "$wenetspeech_dir" && find audio -name '*.opus') | while read -r rel; do
    out="$audio_dir/${rel%.opus}.flac"
    [ -s "$out" ] || printf '%s\0%s\0' "$wenetspeech_dir/$rel" "$out"
  done | xargs -0 -r -n 2 -P "$nj" sh -c 'mkdir -p "$(dirname "$1")" && ffmpeg -nostdin -loglevel error -y -i "$0" -ar 16000 -ac 1 "$1.tmp.flac" && mv "$1.tmp.flac" "$1"'
fi
if [ "$stage" -le 1 ] && [ "$stop_stage" -ge 1 ]; then
  echo "stage 1: data directories from WenetSpeech.json"
  asr3m prep-wenetspeech --json "$wenetspeech_dir/WenetSpeech.json" --audio-root "$audio_dir" --audio-ext flac \
    --subsets "$train_set,DEV,TEST_NET,TEST_MEETING" --out "$data"
fi
if [ "$stage" -le 2 ] && [ "$stop_stage" -ge 2 ]; then
  mkdir -p "$exp"
  if [ "$data_type" = shard ]; then
    for d in "$train_dir" "$data/dev"; do
      echo "stage 2: shards of $d ($num_utts_per_shard utterances each; a rerun keeps finished shards)"
      asr3m make-shards --data-dir "$d" --out "$d/shards" --num-utts-per-shard "$num_utts_per_shard" --threads "$nj"
    done
  fi
  echo "stage 2: units and global CMVN of $train_data"
  # units from the text file (a few MB; the same units the shards' transcripts give). CMVN from the
  # shards when there are some: the data dir would decode a whole recording for each of its segments
  asr3m build-units "$train_dir/text" -o "$exp/units.txt"
  if [ "$data_type" = shard ]; then
    asr3m cmvn --shard-list "$train_data" -o "$exp/global_cmvn" --threads "$nj"
  else
    asr3m cmvn --data-dir "$train_dir" -o "$exp/global_cmvn" --threads "$nj"
  fi
fi
if [ "$stage" -le 3 ] && [ "$stop_stage" -ge 3 ]; then
  echo "stage 3: embedding network, CTC pretraining ($dir/embedding_net.yaml)"
  train embedding_net "$dir/embedding_net.yaml"
fi
if [ "$stage" -le 4 ] && [ "$stop_stage" -ge 4 ]; then
  echo "stage 4: dense base Conformer ($dir/conformer.yaml)"
  train conformer "$dir/conformer.yaml"
fi
if [ "$stage" -le 5 ] && [ "$stop_stage" -ge 5 ]; then
  echo "stage 5: $(name "$moe_recipe") from the base Conformer and the embedding network"
  train "$(name "$moe_recipe")" "$moe_recipe" --init-from "$exp/conformer/final" \
    --init-embedding "$exp/embedding_net/final"
fi
models="conformer $(name "$moe_recipe")"
if [ "$stage" -le 6 ] && [ "$stop_stage" -ge 6 ]; then
  echo "stage 6: decoding"
  decode_models "$exp" "$data" "$models" "$test_sets" "$modes" "${dev_opt[@]}"
fi
if [ "$stage" -le 7 ] && [ "$stop_stage" -ge 7 ]; then
  echo "stage 7: CER"
  score_models "$exp" "$data" "$models" "$test_sets" "$modes"
fi

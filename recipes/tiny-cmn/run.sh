#!/usr/bin/env bash
# The whole pipeline on the shipped synthetic corpus, with the asr3m CLI only (needs just a JDK):
#   0 units  1 global CMVN  2 train (+ average of the best epochs)  3 decode dev/test  4 CER
# Usage (from anywhere):
#   bash recipes/tiny-cmn/run.sh                          # full run, 40 epochs (about 30 min on 2 cores)
#   max_epochs=2 bash recipes/tiny-cmn/run.sh             # quick look
#   stage=3 bash recipes/tiny-cmn/run.sh                  # only decode + score an existing run
#   recipe=recipes/tiny-cmn/conformer.yaml exp=exp/x bash recipes/tiny-cmn/run.sh
#   train_set=train_large bash recipes/tiny-cmn/run.sh    # the larger set (local/make_large.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."

stage=${stage:-0}
stop_stage=${stop_stage:-4}
recipe=${recipe:-recipes/tiny-cmn/conformer.yaml}
exp=${exp:-exp/tiny-cmn/$(basename "$recipe" .yaml)}
max_epochs=${max_epochs:-0}          # 0: the recipe's max_epoch
modes=${modes:-"attention_rescoring ctc_greedy_search"}
data=${data:-recipes/tiny-cmn/data}   # or another corpus with the same layout (train, dev, test)
train_set=${train_set:-train}        # train, or train_large after local/make_large.sh
jar=${jar:-model-core/target/asr3m.jar}

if [ ! -f "$jar" ]; then
  ./mvnw -B -q -pl model-core -DskipTests package
fi
asr3m() { java -jar "$jar" "$@"; }
. recipes/common/stages.sh
mkdir -p "$exp"

if [ "$stage" -le 0 ] && [ "$stop_stage" -ge 0 ]; then
  echo "stage 0: units from the training transcripts"
  asr3m build-units "$data/$train_set/text" -o "$exp/units.txt"
fi
if [ "$stage" -le 1 ] && [ "$stop_stage" -ge 1 ]; then
  echo "stage 1: global CMVN"
  asr3m cmvn --data-dir "$data/$train_set" -o "$exp/global_cmvn"
fi
if [ "$stage" -le 2 ] && [ "$stop_stage" -ge 2 ]; then
  echo "stage 2: training"
  asr3m train --recipe "$recipe" --train-data "$data/$train_set" --dev-data "$data/dev" --exp "$exp" \
    --units "$exp/units.txt" --cmvn "$exp/global_cmvn" --max-epochs "$max_epochs"
fi
if [ "$stage" -le 3 ] && [ "$stop_stage" -ge 3 ]; then
  echo "stage 3: decoding (and the untrained init model as a baseline)"
  for model in final init; do
    decode_sets "$exp/$model" "$exp/decode/$model" "$data" "dev test" "$modes"
  done
fi
if [ "$stage" -le 4 ] && [ "$stop_stage" -ge 4 ]; then
  echo "stage 4: CER"
  score_header "dev test"
  for model in final init; do
    score_sets "$model" "$exp/decode/$model" "$data" "dev test" "$modes"
  done
fi

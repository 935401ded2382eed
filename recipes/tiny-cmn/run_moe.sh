#!/usr/bin/env bash
# Conformer vs Conformer-MoE vs 3M on the shipped tiny corpus, following the 3m-asr flow:
#   0 units  1 global CMVN  2 dense Conformer (the baseline, and the base the MoE models start from)
#   3 embedding network CTC pretraining  4 Conformer-MoE  5 3M  6 decode dev/test  7 CER table
# Same budget: the dense baseline trains for $epochs epochs; each MoE model starts from the dense
# model after $((epochs/2)) epochs (every expert a copy of its FFN, routers random) and trains the
# remaining $((epochs/2)), so every model has seen the data $epochs times. The embedding network
# (2 blocks) is pretrained separately for $emb_epochs epochs, as in the reference recipe.
# Usage (from anywhere):
#   bash recipes/tiny-cmn/run_moe.sh                      # the quick-start sweep: 6 epochs (~14 min on 2 quiet cores)
#   epochs=40 emb_epochs=20 bash recipes/tiny-cmn/run_moe.sh   # the long comparison (~90 min)
#   train_set=train_large epochs=8 bash recipes/tiny-cmn/run_moe.sh  # capacity regime (local/make_large.sh)
#   stage=6 bash recipes/tiny-cmn/run_moe.sh              # decode + score existing runs
#   epochs=4 emb_epochs=2 bash recipes/tiny-cmn/run_moe.sh   # quick look at the flow
set -euo pipefail
cd "$(dirname "$0")/../.."

stage=${stage:-0}
stop_stage=${stop_stage:-7}
epochs=${epochs:-6}
emb_epochs=${emb_epochs:-3}
exp=${exp:-exp/tiny-cmn/compare}
modes=${modes:-"attention_rescoring ctc_greedy_search"}
data=recipes/tiny-cmn/data
train_set=${train_set:-train}
conf=recipes/tiny-cmn
jar=${jar:-model-core/target/asr3m.jar}
half=$((epochs / 2))

if [ ! -f "$jar" ]; then
  ./mvnw -B -q -pl model-core -DskipTests package
fi
asr3m() { java -jar "$jar" "$@"; }
. recipes/common/stages.sh
train() { # name recipe epochs [extra args]
  local name=$1 recipe=$2 n=$3
  shift 3
  asr3m train --recipe "$recipe" --train-data "$data/$train_set" --dev-data "$data/dev" --exp "$exp/$name" \
    --units "$exp/units.txt" --cmvn "$exp/global_cmvn" --max-epochs "$n" "$@"
}
mkdir -p "$exp"

if [ "$stage" -le 1 ]; then
  # units and global CMVN exactly as the single-model recipe makes them
  stage=$stage stop_stage=1 exp=$exp jar=$jar train_set=$train_set bash recipes/tiny-cmn/run.sh
fi
if [ "$stage" -le 2 ] && [ "$stop_stage" -ge 2 ]; then
  echo "stage 2: dense Conformer, $epochs epochs"
  train conformer "$conf/conformer.yaml" "$epochs"
fi
if [ "$stage" -le 3 ] && [ "$stop_stage" -ge 3 ]; then
  echo "stage 3: embedding network, CTC pretraining, $emb_epochs epochs"
  train embedding_net "$conf/embedding_net.yaml" "$emb_epochs"
fi
base="$exp/conformer/epoch_$((half - 1))"
if [ "$stage" -le 4 ] && [ "$stop_stage" -ge 4 ]; then
  echo "stage 4: Conformer-MoE from $base, $((epochs - half)) epochs"
  train conformer_moe "$conf/conformer_moe.yaml" "$((epochs - half))" \
    --init-from "$base" --init-embedding "$exp/embedding_net/final"
fi
if [ "$stage" -le 5 ] && [ "$stop_stage" -ge 5 ]; then
  echo "stage 5: 3M from $base, $((epochs - half)) epochs"
  train 3m "$conf/3m.yaml" "$((epochs - half))" --init-from "$base" --init-embedding "$exp/embedding_net/final"
fi
models="conformer conformer_moe 3m"
if [ "$stage" -le 6 ] && [ "$stop_stage" -ge 6 ]; then
  echo "stage 6: decoding"
  decode_models "$exp" "$data" "$models" "dev test" "$modes"
fi
if [ "$stage" -le 7 ] && [ "$stop_stage" -ge 7 ]; then
  echo "stage 7: CER"
  score_models "$exp" "$data" "$models" "dev test" "$modes"
fi

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
#   lanes=2 bash recipes/tiny-cmn/run_moe.sh              # two trainings at once, one thread each
#   conf=my/recipes exp=exp/seed778 bash recipes/tiny-cmn/run_moe.sh  # the recipes from another directory
#   wide=1 train_set=train_large epochs=8 emb_epochs=4 bash recipes/tiny-cmn/run_moe.sh
#                                   # adds conformer_wide.yaml: a dense model at the MoE models' compute
# lanes=2 runs two trainings at once, each with one intra-op thread (on 2 cores that finishes sooner
# than one 2-thread training after the other: the tiny model gains little from a second thread):
# the dense model(s) and the embedding network, then Conformer-MoE and 3M; each training's output
# then goes to $exp/<model>.log.
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
conf=${conf:-recipes/tiny-cmn}
lanes=${lanes:-1}
wide=${wide:-0}
jar=${jar:-model-core/target/asr3m.jar}
half=$((epochs / 2))
case "$lanes$wide" in
  10|11|20|21) ;;
  *) echo "run_moe.sh: lanes must be 1 or 2 and wide 0 or 1, got lanes='$lanes' wide='$wide'" >&2; exit 1 ;;
esac
models="conformer conformer_moe 3m"
[ "$wide" = 1 ] && models="conformer conformer_wide conformer_moe 3m"
for m in $models embedding_net; do
  [ -f "$conf/$m.yaml" ] || { echo "run_moe.sh: $conf/$m.yaml not found (conf=$conf)" >&2; exit 1; }
done

if [ ! -f "$jar" ]; then
  ./mvnw -B -q -pl model-core -DskipTests package
fi
asr3m() { java -jar "$jar" "$@"; }
. recipes/common/stages.sh
# train NAME RECIPE EPOCHS [extra args]: with lanes=2 its output goes to $exp/NAME.log (two
# trainings' progress lines would interleave), and a failure prints the log's end
train() {
  local name=$1 recipe=$2 n=$3
  shift 3
  local cmd=(asr3m train --recipe "$recipe" --train-data "$data/$train_set" --dev-data "$data/dev" --exp "$exp/$name"
    --units "$exp/units.txt" --cmvn "$exp/global_cmvn" --max-epochs "$n" "$@")
  if [ "$lanes" = 1 ]; then
    "${cmd[@]}"
    return
  fi
  echo "  $name: output in $exp/$name.log"
  "${cmd[@]}" > "$exp/$name.log" 2>&1 || { echo "run_moe.sh: $name failed; the end of $exp/$name.log:" >&2
    tail -n 20 "$exp/$name.log" >&2; return 1; }
}
# run_stages N:FUNCTION...: the functions whose stage N lies within stage..stop_stage, in order;
# with lanes=2 two at a time (the next starts when either finishes), each with one intra-op thread.
run_stages() {
  local item n fn running=0 failed=0
  for item in "$@"; do
    [ "$failed" = 0 ] || break  # start nothing more once a training failed
    n=${item%%:*}
    fn=${item#*:}
    { [ "$stage" -le "$n" ] && [ "$stop_stage" -ge "$n" ]; } || continue
    if [ "$lanes" = 1 ]; then
      "$fn"
      continue
    fi
    if [ "$running" -ge 2 ]; then
      wait -n || failed=1
      running=$((running - 1))
    fi
    JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1" \
      "$fn" &
    running=$((running + 1))
  done
  while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
  done
  [ "$failed" = 0 ] || { echo "run_moe.sh: a training failed (see the logs named above)" >&2; exit 1; }
}
mkdir -p "$exp"

if [ "$stage" -le 1 ]; then
  # units and global CMVN exactly as the single-model recipe makes them
  stage=$stage stop_stage=1 exp=$exp jar=$jar train_set=$train_set bash recipes/tiny-cmn/run.sh
fi
base="$exp/conformer/epoch_$((half - 1))"
stage2() {
  echo "stage 2: dense Conformer, $epochs epochs"
  train conformer "$conf/conformer.yaml" "$epochs"
}
stage2w() {
  echo "stage 2: dense Conformer at the MoE models' compute (conformer_wide.yaml), $epochs epochs"
  train conformer_wide "$conf/conformer_wide.yaml" "$epochs"
}
stage3() {
  echo "stage 3: embedding network, CTC pretraining, $emb_epochs epochs"
  train embedding_net "$conf/embedding_net.yaml" "$emb_epochs"
}
stage4() {
  echo "stage 4: Conformer-MoE from $base, $((epochs - half)) epochs"
  train conformer_moe "$conf/conformer_moe.yaml" "$((epochs - half))" \
    --init-from "$base" --init-embedding "$exp/embedding_net/final"
}
stage5() {
  echo "stage 5: 3M from $base, $((epochs - half)) epochs"
  train 3m "$conf/3m.yaml" "$((epochs - half))" --init-from "$base" --init-embedding "$exp/embedding_net/final"
}
if [ "$wide" = 1 ]; then
  run_stages 2:stage2w 2:stage2 3:stage3  # the longest first: with two lanes it sets the pace
else
  run_stages 2:stage2 3:stage3
fi
run_stages 4:stage4 5:stage5  # both start from the dense epoch and the embedding network above
if [ "$stage" -le 6 ] && [ "$stop_stage" -ge 6 ]; then
  echo "stage 6: decoding"
  decode_models "$exp" "$data" "$models" "dev test" "$modes"
fi
if [ "$stage" -le 7 ] && [ "$stop_stage" -ge 7 ]; then
  echo "stage 7: CER"
  score_models "$exp" "$data" "$models" "dev test" "$modes"
fi

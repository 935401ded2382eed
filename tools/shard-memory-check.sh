#!/usr/bin/env bash
# Memory check of training on a corpus larger than memory (issue 15): the tiny-cmn training audio
# repeated under new ids as segments with shifted starts (each copy a slightly different utterance)
# up to HOURS hours, written as WeNet shards, then one epoch trained from the shards with a fixed heap,
# reporting peak resident memory; with kaldi=1 the same epoch through the Kaldi data-dir path.
# The model is deliberately small (this measures the data side, not the model).
#
#   bash tools/shard-memory-check.sh                       # 20 h, -Xmx512m
#   hours=2 xmx=384m kaldi=1 bash tools/shard-memory-check.sh
#   cp=CLASSPATH bash tools/shard-memory-check.sh          # classes instead of the CLI jar
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${hours:-20}
xmx=${xmx:-512m}
kaldi=${kaldi:-0}
work=${work:-exp/shard-memory-check}
jar=${jar:-model-core/target/asr3m.jar}
threads=${threads:-$(nproc)}
src=recipes/tiny-cmn/data/train

if [ -n "${cp:-}" ]; then
  launcher=(java -Xmx"$xmx" -Dai.djl.offline=true -cp "$cp" org.asr3m.cli.Asr3m)
else
  [ -f "$jar" ] || ./mvnw -B -q -pl model-core -am -DskipTests package
  launcher=(java -Xmx"$xmx" -Dai.djl.offline=true -jar "$jar")
fi
asr3m() { "${launcher[@]}" "$@"; }
mkdir -p "$work/data"
data=$work/data/train_${hours}h
if [ ! -f "$data/segments" ]; then
  echo "building $data: tiny-cmn train repeated to $hours h"
  mkdir -p "$data"
  abs=$(cd "$src" && pwd)
  # recordings: the tiny-cmn files; utterances: copies starting 0-190 ms later, to the end of the file
  awk -v d="$abs" '{p=$2; if (p !~ /^\//) p=d "/" p; print $1, p}' "$src/wav.scp" > "$data/wav.scp"
  seconds=$(python3 - "$data/wav.scp" <<'PY'
import sys, wave
total = 0.0
for line in open(sys.argv[1]):
    path = line.split()[1]
    with open(path, "rb") as f:
        head = f.read(26)
    if head[:4] == b"fLaC":  # STREAMINFO: 20-bit rate, 3+5 bits, 36-bit sample count
        bits = int.from_bytes(head[18:26], "big")
        rate = bits >> 44
        total += (bits & ((1 << 36) - 1)) / rate
    else:
        with wave.open(path) as w:
            total += w.getnframes() / w.getframerate()
print(int(total))
PY
  )
  copies=$(( (hours * 3600 + seconds - 1) / seconds ))
  echo "  source $seconds s; $copies copies"
  : > "$data/segments"; : > "$data/text"
  for c in $(seq 1 "$copies"); do
    awk -v c="$c" '{printf "%s-c%03d %s %.2f -1\n", $1, c, $1, ((c * 37) % 20) / 100}' "$src/wav.scp" >> "$data/segments"
    awk -v c="$c" '{id=$1; $1=""; printf "%s-c%03d%s\n", id, c, $0}' "$src/text" >> "$data/text"
  done
  sort -o "$data/segments" "$data/segments"; sort -o "$data/text" "$data/text"
fi
echo "make-shards ($threads threads)"
/usr/bin/time -f "make-shards: %e s, peak RSS %M KiB" "${launcher[@]}" make-shards --data-dir "$data" --out "$work/shards_${hours}h" --threads "$threads"
[ -f "$work/units.txt" ] || asr3m build-units "$src/text" -o "$work/units.txt"
[ -f "$work/global_cmvn" ] || asr3m cmvn --data-dir "$src" -o "$work/global_cmvn" --threads "$threads"
cat > "$work/small.yaml" <<'YAML'
input_dim: 80
encoder_conf: {output_size: 64, attention_heads: 4, linear_units: 128, num_blocks: 1, cnn_module_kernel: 7}
decoder_conf: {attention_heads: 4, linear_units: 128, num_blocks: 1}
dataset_conf:
  speed_perturb: true
  spec_aug: true
  shuffle_conf: {shuffle_size: 1500}
  sort_conf: {sort_size: 500}
  batch_conf: {max_frames_in_batch: 12000}
  num_workers: 2
  prefetch: 4
optim_conf: {lr: 0.002}
scheduler_conf: {warmup_steps: 200}
log_interval: 200
max_epoch: 1
seed: 777
YAML
run() { # name train-data
  echo "train one epoch from $2 with -Xmx$xmx"
  rm -rf "$work/exp_$1"
  /usr/bin/time -f "$1: %e s, peak RSS %M KiB (-Xmx$xmx)" "${launcher[@]}" train \
    --recipe "$work/small.yaml" --train-data "$2" --dev-data recipes/tiny-cmn/data/dev --units "$work/units.txt" \
    --cmvn "$work/global_cmvn" --exp "$work/exp_$1" --max-epochs 1 2>&1 | grep -v "^epoch 0 step" || true
}
run shards "$work/shards_${hours}h/shards.list"
[ "$kaldi" = 1 ] && run kaldi "$data"
exit 0

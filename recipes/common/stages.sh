# Stage bodies shared by the recipes' run.sh scripts. Source it after defining asr3m().

# decode_sets CHECKPOINT OUT DATA "SETS" "MODES" [decode options…]
# Decodes DATA/<set> with each mode into OUT/<mode>/<set>/text.
decode_sets() {
  local ckpt=$1 out=$2 data=$3 sets=$4 modes=$5
  shift 5
  local set mode
  for set in $sets; do
    for mode in $modes; do
      asr3m decode --checkpoint "$ckpt" --data-dir "$data/$set" --mode "$mode" --out "$out/$mode/$set/text" "$@"
    done
  done
}

# score_sets LABEL OUT DATA "SETS" "MODES"
# Scores what decode_sets wrote (OUT/<mode>/<set>/cer.txt and cer.json) and prints one Markdown
# table row per mode: | LABEL | mode | CER of each set |.
score_sets() {
  local label=$1 out=$2 data=$3 sets=$4 modes=$5
  local set mode d row
  for mode in $modes; do
    row="| $label | $mode |"
    for set in $sets; do
      d="$out/$mode/$set"
      asr3m cer "$data/$set/text" "$d/text" --json "$d/cer.json" > "$d/cer.txt"
      row="$row $(tail -n 1 "$d/cer.txt" | awk '{print $2}') |"
    done
    echo "$row"
  done
}

# score_header "SETS": the header of score_sets' table (CER in %).
score_header() {
  local set line="| model | decoding |" rule="|---|---|"
  for set in $1; do
    line="$line $set CER % |"
    rule="$rule---|"
  done
  printf '%s\n%s\n' "$line" "$rule"
}

# decode_models EXP DATA "MODELS" "SETS" "MODES" [decode options…]: decode_sets for EXP/<model>/final.
decode_models() {
  local exp=$1 data=$2 models=$3 sets=$4 modes=$5 m
  shift 5
  for m in $models; do
    decode_sets "$exp/$m/final" "$exp/$m/decode" "$data" "$sets" "$modes" "$@"
  done
}

# score_models EXP DATA "MODELS" "SETS" "MODES": the CER table of what decode_models wrote.
score_models() {
  local exp=$1 data=$2 models=$3 sets=$4 modes=$5 m
  score_header "$sets"
  for m in $models; do
    score_sets "$m" "$exp/$m/decode" "$data" "$sets" "$modes"
  done
}

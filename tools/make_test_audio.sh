#!/usr/bin/env bash
# Deterministically synthesises the small test utterances used by the Java audio/feature tests and writes them to
# model-core/src/test/resources/fixtures/audio/. Needs espeak-ng, sox (with libsox-fmt-all) and flac.
# Every sox call uses -R (repeatable: fixed random seed, so the added white noise is identical every run) and -D
# (no dither, so bit-depth changes are plain rounding). Running it twice gives byte-identical files.
#
#   utt1.wav         16 kHz mono PCM16, ~2.2 s Mandarin (voice cmn)
#   utt2.wav         16 kHz mono PCM16, other sentence, voice variant cmn+f2, white noise added
#   utt3.wav         16 kHz mono PCM16, ~1 s
#   utt1_s24.wav     utt1 as 24-bit PCM          utt1_s32.wav  utt1 as 32-bit int PCM
#   utt1_f32.wav     utt1 as 32-bit IEEE float   utt1.flac     utt1 as 16-bit FLAC
#   utt1_stereo.wav  PCM16, left = utt1, right = utt2 padded/truncated to utt1's length
#   utt1_8k.wav      utt1 resampled to 8 kHz     utt1_22k.wav  utt1 resampled to 22050 Hz (both PCM16)
#
# Usage (from any directory):  bash tools/make_test_audio.sh
set -euo pipefail
export LC_ALL=C.UTF-8

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/../model-core/src/test/resources/fixtures/audio"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

SOX=(sox -R -D -V1)
PCM16=(-r 16000 -c 1 -e signed-integer -b 16)

# espeak-ng writes 22050 Hz mono PCM16; -s is the speaking rate (words per minute)
espeak-ng -v cmn    -s 220 -w "$TMP/e1.wav" "欢迎使用语音识别"
espeak-ng -v cmn+f2 -s 230 -w "$TMP/e2.wav" "明天早上八点开会"
espeak-ng -v cmn    -s 175 -w "$TMP/e3.wav" "谢谢"

"${SOX[@]}" "$TMP/e1.wav" "${PCM16[@]}" "$OUT/utt1.wav" rate -v 16000
"${SOX[@]}" "$TMP/e3.wav" "${PCM16[@]}" "$OUT/utt3.wav" rate -v 16000

# utt2: voice variant plus white noise at about -40 dBFS (seeded by -R)
"${SOX[@]}" "$TMP/e2.wav" -r 16000 -c 1 -e signed-integer -b 16 "$TMP/u2.wav" rate -v 16000
n2=$(soxi -s "$TMP/u2.wav")
"${SOX[@]}" -n "${PCM16[@]}" "$TMP/noise.wav" synth "${n2}s" whitenoise vol 0.01
"${SOX[@]}" -m -v 0.9 "$TMP/u2.wav" -v 1 "$TMP/noise.wav" "${PCM16[@]}" "$OUT/utt2.wav"

# same signal as utt1 in other encodings (all lossless from the PCM16 samples)
"${SOX[@]}" "$OUT/utt1.wav" -e signed-integer -b 24 "$OUT/utt1_s24.wav"
"${SOX[@]}" "$OUT/utt1.wav" -e signed-integer -b 32 "$OUT/utt1_s32.wav"
"${SOX[@]}" "$OUT/utt1.wav" -e floating-point -b 32 "$OUT/utt1_f32.wav"
rm -f "$OUT/utt1.flac"
flac --silent --best --no-seektable --no-padding -o "$OUT/utt1.flac" "$OUT/utt1.wav"

# stereo: right channel = utt2 cut/padded to utt1's length
n1=$(soxi -s "$OUT/utt1.wav")
"${SOX[@]}" "$OUT/utt2.wav" "$TMP/u2fit.wav" pad 0 "${n1}s" trim 0 "${n1}s"
"${SOX[@]}" -M "$OUT/utt1.wav" "$TMP/u2fit.wav" -e signed-integer -b 16 "$OUT/utt1_stereo.wav"

# other sample rates (for the resampling tests)
"${SOX[@]}" "$OUT/utt1.wav" -r 8000  -e signed-integer -b 16 "$OUT/utt1_8k.wav"  rate -v 8000
"${SOX[@]}" "$OUT/utt1.wav" -r 22050 -e signed-integer -b 16 "$OUT/utt1_22k.wav" rate -v 22050

cd "$OUT"
for f in utt1.wav utt2.wav utt3.wav utt1_s24.wav utt1_s32.wav utt1_f32.wav utt1.flac utt1_stereo.wav utt1_8k.wav utt1_22k.wav; do
  printf '%-16s %8d bytes  %s Hz  %s ch  %s samples\n' "$f" "$(stat -c %s "$f")" "$(soxi -r "$f")" "$(soxi -c "$f")" "$(soxi -s "$f")"
done

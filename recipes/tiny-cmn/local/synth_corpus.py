#!/usr/bin/python3
"""Synthesise the tiny-cmn corpus from local/sentences.txt (called by local/make_corpus.sh).

Everything is deterministic: the split, the voice/speed/pitch/noise/reverb of each utterance and
the noise samples are derived from fixed seeds and the utterance id; sox always runs with -R and
never dithers (it outputs 32-bit float; the 16-bit quantisation is plain rounding in numpy); flac
is deterministic. Running it twice gives byte-identical FLAC files.

Only the Python standard library and numpy are used.
"""
import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import wave
from collections import Counter

import numpy as np

RATE = 16000
SEED = 20240611  # split / condition assignment

# espeak-ng 1.51 (Debian 12) has a bug in the plain "cmn" voice: the tone digit of the pinyin it
# looks up is read out as an English number ("jin one"). "cmn-latn-pinyin" uses the same cmn
# dictionary and phonemes and pronounces the characters correctly, so it is the base voice.
BASE_VOICE = "cmn-latn-pinyin"

# Speakers are (espeak-ng voice variant, pitch). Test variants, pitch and speeds never occur in
# train/dev.
TRAIN_VARIANTS = ["m1", "m3", "m4", "m6", "f1", "f2", "f4", "klatt", "klatt3"]
TRAIN_PITCHES = [35, 65]
TRAIN_SPEEDS = [160, 175, 190, 205]
TEST_VARIANTS = ["m2", "m7", "f3", "f5", "klatt4"]
TEST_PITCHES = [50]
TEST_SPEEDS = [170, 185]

# Noise / room conditions. SNR is relative to the speech RMS (before the padding is added).
TRAIN_NOISES = ["white", "pink"]
TEST_NOISES = ["brown"]
SNR_RANGE = (15, 30)  # dB, integer, uniform
# sox reverb arguments: reverberance HF-damping room-scale stereo-depth pre-delay wet-gain
REVERBS = {
    "dry": None,
    "room": ["reverb", "25", "50", "30", "100", "0", "-2"],   # small room, train/dev, 1/3 of utts
    "hall": ["reverb", "65", "30", "90", "100", "25", "-1"],  # large hall, test only, 1/2 of utts
}
TRAIN_ROOM_FRACTION = 1 / 3
TEST_HALL_FRACTION = 1 / 2
LEVEL_RANGE = (-55, -45)  # speech RMS in dBFS, integer, uniform (quiet, keeps FLACs small)
PAD = (0.12, 0.25)  # seconds of (noise-filled) silence before / after the trimmed speech
HALL_EXTRA_PAD = 0.25  # extra trailing pad for the hall reverb tail
MIN_DURATION = 1.5  # seconds; shorter utterances get a longer (noise-filled) trailing pad

N_DEV = 50
N_TEST = 50
MIN_TRAIN_COUNT = 1  # every dev/test character occurs at least this often in train


def read_sentences(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = re.sub(r"[\s\u3000，。！？、；：“”‘’（）《》,.!?;:\"'()]", "", line)
            if s:
                out.append(s)
    if len(set(out)) != len(out):
        dups = [s for s, c in Counter(out).items() if c > 1]
        sys.exit("duplicate sentences: " + " ".join(dups))
    return out


def assign_splits(sentences):
    """Dev/test sentences are picked (seeded) only if each of their characters still occurs at
    least MIN_TRAIN_COUNT times in the sentences left for train, so every dev/test character is
    trained on."""
    rng = random.Random(SEED)
    order = list(range(len(sentences)))
    rng.shuffle(order)
    pool = Counter(c for s in sentences for c in s)
    split = {}
    for name, n in (("test", N_TEST), ("dev", N_DEV)):
        picked = 0
        for i in order:
            if picked == n:
                break
            if i in split:
                continue
            need = Counter(sentences[i])
            if all(pool[c] - k >= MIN_TRAIN_COUNT for c, k in need.items()):
                split[i] = name
                pool.subtract(need)
                picked += 1
        if picked < n:
            sys.exit(f"could only pick {picked} {name} sentences")
    return {i: split.get(i, "train") for i in range(len(sentences))}


def plan(sentences):
    split_of = assign_splits(sentences)
    rng = random.Random(SEED + 1)
    train_spk = [(v, p) for v in TRAIN_VARIANTS for p in TRAIN_PITCHES]
    test_spk = [(v, p) for v in TEST_VARIANTS for p in TEST_PITCHES]
    utts = []
    for name in ("train", "dev", "test"):
        idx = [i for i in range(len(sentences)) if split_of[i] == name]
        spk = test_spk if name == "test" else train_spk
        speeds = TEST_SPEEDS if name == "test" else TRAIN_SPEEDS
        noises = TEST_NOISES if name == "test" else TRAIN_NOISES
        rev_name = "hall" if name == "test" else "room"
        rev_frac = TEST_HALL_FRACTION if name == "test" else TRAIN_ROOM_FRACTION
        # balanced speaker / speed / noise / reverb assignment, then shuffled (seeded)
        spk_seq = [spk[k % len(spk)] for k in range(len(idx))]
        spd_seq = [speeds[k % len(speeds)] for k in range(len(idx))]
        noi_seq = [noises[k % len(noises)] for k in range(len(idx))]
        n_rev = round(len(idx) * rev_frac)
        rev_seq = [rev_name] * n_rev + ["dry"] * (len(idx) - n_rev)
        for seq in (spk_seq, spd_seq, noi_seq, rev_seq):
            rng.shuffle(seq)
        counter = Counter()
        for k, i in enumerate(idx):
            variant, pitch = spk_seq[k]
            spk_id = f"cmn-{variant}-p{pitch}"
            counter[spk_id] += 1
            utts.append({
                "split": name,
                "spk": spk_id,
                "uttid": f"{spk_id}-{name}-{i + 1:04d}",  # sentence line number keeps ids unique
                "text": sentences[i],
                "line": i + 1,
                "variant": variant,
                "pitch": pitch,
                "speed": spd_seq[k],
                "noise": noi_seq[k],
                "snr": rng.randint(*SNR_RANGE),
                "reverb": rev_seq[k],
                "level": rng.randint(*LEVEL_RANGE),
            })
    return utts


def colored_noise(n, colour, seed):
    rs = np.random.RandomState(seed)
    white = rs.standard_normal(n)
    if colour == "white":
        x = white
    else:
        spec = np.fft.rfft(white)
        f = np.fft.rfftfreq(n, 1.0 / RATE)
        f = np.maximum(f, 20.0)  # flat below 20 Hz
        spec *= f ** (-0.5 if colour == "pink" else -1.0)
        spec[0] = 0.0
        x = np.fft.irfft(spec, n)
    x = x - x.mean()
    return x / np.sqrt(np.mean(x * x))


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode(errors='replace')}")
    return p


def synth(u, out_flac, tmp):
    tts = os.path.join(tmp, "tts.wav")
    raw = os.path.join(tmp, "speech.f32")
    pcm = os.path.join(tmp, "final.wav")
    voice = f"{BASE_VOICE}+{u['variant']}"
    pad_end = PAD[1] + (HALL_EXTRA_PAD if u["reverb"] == "hall" else 0.0)
    run(["espeak-ng", "-v", voice, "-s", str(u["speed"]), "-p", str(u["pitch"]), "-w", tts,
         u["text"]])
    # trim espeak's leading/trailing silence, pad, optional reverb, 16 kHz mono float
    cmd = ["sox", "-R", "-V1", tts, "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1",
           raw, "gain", "-6",
           "silence", "1", "0.01", "-45d", "reverse", "silence", "1", "0.01", "-45d", "reverse",
           "pad", str(PAD[0]), str(pad_end)]
    if REVERBS[u["reverb"]]:
        cmd += REVERBS[u["reverb"]]
    cmd += ["remix", "-", "rate", "-v", str(RATE)]
    run(cmd)
    x = np.fromfile(raw, dtype="<f4").astype(np.float64)
    a, b = int(PAD[0] * RATE), len(x) - int(pad_end * RATE)
    speech_rms = np.sqrt(np.mean(x[a:b] ** 2))
    x *= 10 ** (u["level"] / 20) / speech_rms
    if len(x) < MIN_DURATION * RATE:
        x = np.concatenate([x, np.zeros(int(MIN_DURATION * RATE) - len(x))])
    seed = int(hashlib.sha256(u["uttid"].encode()).hexdigest()[:8], 16)
    x += colored_noise(len(x), u["noise"], seed) * 10 ** ((u["level"] - u["snr"]) / 20)
    peak = np.max(np.abs(x))
    if peak >= 0.99:
        sys.exit(f"{u['uttid']}: peak {peak:.3f} would clip")
    q = np.round(x * 32768).astype("<i2")
    with wave.open(pcm, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(q.tobytes())
    run(["flac", "-8", "--silent", "--force", "--no-padding", "-o", out_flac, pcm])
    return len(q) / RATE


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root", help="recipes/tiny-cmn directory")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    sentences = read_sentences(os.path.join(root, "local", "sentences.txt"))
    utts = plan(sentences)
    for name in ("train", "dev", "test"):
        os.makedirs(os.path.join(root, "audio", name), exist_ok=True)
        os.makedirs(os.path.join(root, "data", name), exist_ok=True)
    total = Counter()
    with tempfile.TemporaryDirectory(prefix="tiny-cmn.") as tmp:
        for k, u in enumerate(utts):
            flac = os.path.join(root, "audio", u["split"], u["uttid"] + ".flac")
            total[u["split"]] += synth(u, flac, tmp)
            if (k + 1) % 100 == 0:
                print(f"  {k + 1}/{len(utts)} utterances", file=sys.stderr)

    def write(path, lines, header=None):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            if header:
                f.write(header + "\n")
            f.writelines(l + "\n" for l in sorted(lines, key=lambda s: s.encode("utf-8")))

    for name in ("train", "dev", "test"):
        su = [u for u in utts if u["split"] == name]
        d = os.path.join(root, "data", name)
        write(os.path.join(d, "wav.scp"), [f"{u['uttid']} ../../audio/{name}/{u['uttid']}.flac" for u in su])
        write(os.path.join(d, "text"), [f"{u['uttid']} {u['text']}" for u in su])
        write(os.path.join(d, "utt2spk"), [f"{u['uttid']} {u['spk']}" for u in su])
    cols = ["uttid", "split", "line", "variant", "pitch", "speed", "noise", "snr", "reverb", "level"]
    write(os.path.join(root, "data", "conditions.tsv"),
          ["\t".join(str(u[c]) for c in cols) for u in utts], header="#" + "\t".join(cols))
    for name in ("train", "dev", "test"):
        n = sum(1 for u in utts if u["split"] == name)
        print(f"{name}: {n} utterances, {total[name] / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Synthesise the tiny-cmn corpus from local/sentences.txt (called by local/make_corpus.sh).

Train is stored as clean speech (noise and reverberation are added on the fly by the trainer's
dataset_conf.noise_aug / reverb_aug), which FLAC compresses well; dev and test have their noise
and reverberation baked in. Test uses voice variants, a pitch, a noise colour and a reverb that
train and dev never use, and HELD_OUT_VARIANTS are used nowhere, for evaluations we do not see.

Everything is deterministic: the split, the voice/speed/pitch/noise/reverb of each utterance and
the noise samples come from fixed seeds and the utterance id; sox runs with -R and never dithers
(it outputs 32-bit float; the 16-bit quantisation is plain rounding in numpy); flac is
deterministic. Running it twice gives byte-identical FLAC files.

Only the Python standard library and numpy are used.
"""
import argparse
import hashlib
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import wave
from collections import Counter

import numpy as np

RATE = 16000
SEED = 20261130  # split / condition assignment

# espeak-ng 1.51 (Debian 12) reads the tone digit of the plain "cmn" voice as an English number
# ("jin one"); "cmn-latn-pinyin" has the same dictionary and phonemes and reads characters right.
BASE_VOICE = "cmn-latn-pinyin"

# Speakers are (espeak-ng voice variant, pitch). The three groups are disjoint.
TRAIN_VARIANTS = ["m1", "m3", "m4", "m6", "f1", "f2", "f4", "klatt", "klatt2", "klatt3", "klatt6",
                  "iven", "iven2", "iven4", "steph", "steph3", "Andy", "Annie", "adam", "anika",
                  "aunty", "belinda", "benjamin", "caleb", "david", "ed", "edward", "linda", "max",
                  "michel", "paul", "rob", "robert", "travis", "victor", "zac", "Gene", "Lee",
                  "Mike", "norbert", "quincy", "shelby"]
TEST_VARIANTS = ["m2", "m7", "f3", "f5", "klatt4", "john"]
HELD_OUT_VARIANTS = ["m5", "m8", "klatt5", "iven3", "steph2", "grandma"]  # in no split, on purpose
TRAIN_PITCHES = [30, 38, 44, 56, 62, 70]
TEST_PITCHES = [50]
TRAIN_SPEEDS = [150, 162, 175, 188, 200, 212]
TEST_SPEEDS = [168, 182, 195]

# Dev uses the training kinds of noise and room, test a colour and a reverb never used in training.
DEV_NOISES = ["white", "pink"]
TEST_NOISES = ["brown"]
SNR_RANGE = (10, 30)  # dB, integer, uniform; relative to the speech RMS before padding
# sox reverb arguments: reverberance HF-damping room-scale stereo-depth pre-delay wet-gain
REVERBS = {
    "dry": None,
    "room": ["reverb", "25", "50", "30", "100", "0", "-2"],   # small room, dev, 1/3 of utts
    "hall": ["reverb", "65", "30", "90", "100", "25", "-1"],  # large hall, test only, 1/2 of utts
}
DEV_ROOM_FRACTION = 1 / 3
TEST_HALL_FRACTION = 1 / 2
# speech RMS in dBFS, integer, uniform. Quiet on purpose: every 6 dB less saves about one bit per
# sample in the FLAC files. The 16-bit rounding noise stays more than 35 dB below the speech (train: more than 33 dB).
LEVEL_RANGE = {"train": (-68, -62), "dev": (-62, -56), "test": (-62, -56)}
PAD = (0.10, 0.20)  # seconds before / after the trimmed speech (digital silence in train)
HALL_EXTRA_PAD = 0.25  # extra trailing pad for the hall reverb tail

MIN_TRAIN_COUNT = 3  # every dev/test character occurs at least this often in train sentences


def read_sentences(path):
    with open(path, encoding="utf-8") as f:
        out = [line.strip() for line in f if line.strip()]
    if len(set(out)) != len(out):
        dups = [s for s, c in Counter(out).items() if c > 1]
        sys.exit("duplicate sentences: " + " ".join(dups[:10]))
    return out


def assign_splits(sentences, n_dev, n_test):
    """Dev/test sentences are picked (seeded) only if each of their characters still occurs at
    least MIN_TRAIN_COUNT times in the sentences left for train."""
    rng = random.Random(SEED)
    order = list(range(len(sentences)))
    rng.shuffle(order)
    pool = Counter(c for s in sentences for c in s)
    split = {}
    for name, n in (("test", n_test), ("dev", n_dev)):
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


def plan(sentences, n_dev, n_test):
    split_of = assign_splits(sentences, n_dev, n_test)
    rng = random.Random(SEED + 1)
    utts = []
    for name in ("train", "dev", "test"):
        idx = [i for i in range(len(sentences)) if split_of[i] == name]
        utts += conditions(name, name, idx, sentences, rng)
    return utts


def conditions(name, kind, idx, sentences, rng):
    """Speaker, speed, noise, reverb and level of the sentences idx, for a split of kind train/dev/test."""
    test = kind == "test"
    spk = [(v, p) for v in (TEST_VARIANTS if test else TRAIN_VARIANTS)
           for p in (TEST_PITCHES if test else TRAIN_PITCHES)]
    speeds = TEST_SPEEDS if test else TRAIN_SPEEDS
    noises = {"train": ["none"], "dev": DEV_NOISES, "test": TEST_NOISES}[kind]
    rev_name, rev_frac = {"train": ("dry", 0), "dev": ("room", DEV_ROOM_FRACTION),
                          "test": ("hall", TEST_HALL_FRACTION)}[kind]
    # balanced speaker / speed / noise / reverb assignment, then shuffled (seeded)
    spk_seq = [spk[k % len(spk)] for k in range(len(idx))]
    spd_seq = [speeds[k % len(speeds)] for k in range(len(idx))]
    noi_seq = [noises[k % len(noises)] for k in range(len(idx))]
    n_rev = round(len(idx) * rev_frac)
    rev_seq = [rev_name] * n_rev + ["dry"] * (len(idx) - n_rev)
    for seq in (spk_seq, spd_seq, noi_seq, rev_seq):
        rng.shuffle(seq)
    utts = []
    for k, i in enumerate(idx):
        variant, pitch = spk_seq[k]
        spk_id = f"cmn-{variant}-p{pitch}"
        snr = rng.randint(*SNR_RANGE)
        level = rng.randint(*LEVEL_RANGE[kind])
        utts.append({
            "split": name,
            "spk": spk_id,
            "uttid": f"{spk_id}-{name}-{i + 1:05d}",  # sentence line number keeps ids unique
            "text": sentences[i],
            "line": i + 1,
            "variant": variant,
            "pitch": pitch,
            "speed": spd_seq[k],
            "noise": noi_seq[k],
            "snr": snr if noi_seq[k] != "none" else "-",
            "reverb": rev_seq[k],
            "level": level,
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
        raise RuntimeError(f"command failed ({p.returncode}): {' '.join(cmd)}\n"
                           f"{p.stderr.decode(errors='replace')}")
    return p


def trailing_pad(reverb):
    """Seconds of padding after the trimmed speech: longer for the hall, so that its tail fits."""
    return PAD[1] + (HALL_EXTRA_PAD if reverb == "hall" else 0.0)


def synth(job):
    u, out_flac = job
    with tempfile.TemporaryDirectory(prefix="tiny-cmn.") as tmp:
        tts = os.path.join(tmp, "tts.wav")
        raw = os.path.join(tmp, "speech.f32")
        pcm = os.path.join(tmp, "final.wav")
        voice = f"{BASE_VOICE}+{u['variant']}"
        pad_end = trailing_pad(u["reverb"])
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
        if u["noise"] != "none":
            seed = int(hashlib.sha256(u["uttid"].encode()).hexdigest()[:8], 16)
            x += colored_noise(len(x), u["noise"], seed) * 10 ** ((u["level"] - u["snr"]) / 20)
        peak = np.max(np.abs(x))
        if peak >= 0.99:
            raise RuntimeError(f"{u['uttid']}: peak {peak:.3f} would clip")
        q = np.round(x * 32768).astype("<i2")
        with wave.open(pcm, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(q.tobytes())
        run(["flac", "-8", "--silent", "--force", "--no-padding", "-o", out_flac, pcm])
    return len(q) / RATE


def write_lines(path, lines, header=None):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        if header:
            f.write(header + "\n")
        f.writelines(l + "\n" for l in sorted(lines, key=lambda s: s.encode("utf-8")))


def write_data_dir(root, name, utts):
    d = os.path.join(root, "data", name)
    os.makedirs(d, exist_ok=True)
    write_lines(os.path.join(d, "wav.scp"), [f"{u['uttid']} ../../audio/{u['split']}/{u['uttid']}.flac" for u in utts])
    write_lines(os.path.join(d, "text"), [f"{u['uttid']} {u['text']}" for u in utts])
    write_lines(os.path.join(d, "utt2spk"), [f"{u['uttid']} {u['spk']}" for u in utts])


def synthesise(root, utts, jobs):
    for name in sorted({u["split"] for u in utts}):
        os.makedirs(os.path.join(root, "audio", name), exist_ok=True)
    work = [(u, os.path.join(root, "audio", u["split"], u["uttid"] + ".flac")) for u in utts]
    total = Counter()
    with multiprocessing.Pool(jobs) as pool:
        for k, (u, dur) in enumerate(zip(utts, pool.imap(synth, work, chunksize=16))):
            total[u["split"]] += dur
            u["dur"] = f"{dur:.3f}"
            if (k + 1) % 1000 == 0:
                print(f"  {k + 1}/{len(utts)} utterances", file=sys.stderr)
    return total


COLS = ["uttid", "split", "line", "variant", "pitch", "speed", "noise", "snr", "reverb", "level", "dur"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root", help="recipes/tiny-cmn directory")
    ap.add_argument("--dev", type=int, default=100, help="dev utterances (default: the committed corpus's)")
    ap.add_argument("--test", type=int, default=200, help="test utterances (default: the committed corpus's)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel synthesis processes")
    ap.add_argument("--large", metavar="SENTENCES",
                    help="only write data/train_large: the train split plus every sentence of this file after "
                         "the committed ones (it must start with local/sentences.txt), spoken like train")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    sentences = read_sentences(os.path.join(root, "local", "sentences.txt"))
    utts = plan(sentences, args.dev, args.test)
    if args.large:
        more = read_sentences(args.large)
        if more[:len(sentences)] != sentences:
            sys.exit(f"{args.large} does not start with the committed sentences")
        committed = os.path.join(root, "data", "train", "text")
        with open(committed, encoding="utf-8") as f:
            ids = sorted(line.split(maxsplit=1)[0] for line in f if line.strip())
        if ids != sorted(u["uttid"] for u in utts if u["split"] == "train"):
            sys.exit(f"{committed}: not the train split of --dev {args.dev} --test {args.test}; give the sizes "
                     "make_corpus.sh used")
        idx = list(range(len(sentences), len(more)))
        extra = conditions("large", "train", idx, more, random.Random(SEED + 2))
        total = synthesise(root, extra, args.jobs)
        write_data_dir(root, "train_large", [u for u in utts if u["split"] == "train"] + extra)
        write_lines(os.path.join(root, "data", "train_large", "conditions.tsv"),
                    ["\t".join(str(u[c]) for c in COLS) for u in extra], header="#" + "\t".join(COLS))
        print(f"train_large: {len(extra)} new utterances ({total['large'] / 3600:.2f} h) + the "
              f"{sum(1 for u in utts if u['split'] == 'train')} of train", file=sys.stderr)
        return
    total = synthesise(root, utts, args.jobs)
    for name in ("train", "dev", "test"):
        write_data_dir(root, name, [u for u in utts if u["split"] == name])
    write_lines(os.path.join(root, "data", "conditions.tsv"),
                ["\t".join(str(u[c]) for c in COLS) for u in utts], header="#" + "\t".join(COLS))
    for name in ("train", "dev", "test"):
        n = sum(1 for u in utts if u["split"] == name)
        print(f"{name}: {n} utterances, {total[name] / 60:.1f} min", file=sys.stderr)


if __name__ == "__main__":
    main()

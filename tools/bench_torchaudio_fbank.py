#!/usr/bin/env python3
"""Throughput of torchaudio's Kaldi fbank on a data dir, for comparison with `asr3m bench fbank`.

Measures the same thing as the Java benchmark: audio is decoded first, then only feature
computation is timed (WeNet's settings, dither 0), best of --repeat passes, with 1 thread and with
all threads (torch.set_num_threads).

    /usr/bin/python3 tools/bench_torchaudio_fbank.py recipes/tiny-cmn/data/train
"""
import argparse
import os
import time

import torch
import torchaudio


def load(data_dir):
    waves = []
    with open(os.path.join(data_dir, "wav.scp"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            _, path = line.split(maxsplit=1)
            path = path.strip()
            if not os.path.isabs(path):
                path = os.path.join(data_dir, path)
            w, sr = torchaudio.load(path)
            waves.append(w * (1 << 15))
    return waves


def one_pass(waves):
    frames = 0
    start = time.perf_counter()
    for w in waves:
        frames += torchaudio.compliance.kaldi.fbank(w, num_mel_bins=80, frame_length=25, frame_shift=10,
                                                    dither=0.0, energy_floor=0.0, sample_frequency=16000).shape[0]
    return time.perf_counter() - start, frames


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data_dir", nargs="?", default="recipes/tiny-cmn/data/train")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    waves = load(a.data_dir)
    seconds = sum(w.shape[1] for w in waves) / 16000
    one_pass(waves)  # warm-up
    print(f"torchaudio {torchaudio.__version__} fbank: {len(waves)} utterances, {seconds:.1f} s of audio")
    for threads in sorted({1, os.cpu_count()}):
        torch.set_num_threads(threads)
        best, frames = min(one_pass(waves) for _ in range(a.repeat))
        print(f"threads={threads}  time={best:.3f} s  frames/s={frames / best:.0f}  RTF={best / seconds:.5f}"
              f"  (x{seconds / best:.0f} real time)")


if __name__ == "__main__":
    main()

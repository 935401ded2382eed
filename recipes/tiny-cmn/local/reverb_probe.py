#!/usr/bin/python3
"""Speaks the utterances of a dev or test split again under other reverbs, to see what a reverb costs.

Usage: reverb_probe.py ROOT OUT --split dev|test [--only-reverb dry|room|hall] NAME=SPEC [NAME=SPEC ...]
  ROOT: recipes/tiny-cmn; OUT: a scratch directory (nothing here is committed).
  SPEC: "dry", or the arguments of a sox reverb effect, e.g. "reverb 65 30 90 100 25 -1".

For each NAME, writes OUT/NAME/{wav.scp,text,utt2spk,conditions.tsv} and the audio under OUT/NAME/audio:
the same sentences, voices, speeds, levels and noise as the committed split (synth_corpus.py's plan),
with only the reverb replaced. Every variant gets the hall's longer trailing pad (or, with --short-pad,
the dry utterances' shorter one), so that the variants differ in nothing but the reverb. --only-reverb
keeps the utterances whose committed reverb is that one (for example the test's hall half, to speak
the same utterances dry).
"""
import argparse
import os
import sys
from multiprocessing import Pool

import synth_corpus as corpus


def parse_variant(text):
    name, sep, spec = text.partition("=")
    if not sep or not name or not spec.strip():
        sys.exit(f"variant {text!r}: expected NAME=SPEC (SPEC: dry or sox reverb arguments)")
    args = spec.split()
    if args != ["dry"] and (args[0] != "reverb" or len(args) > 8):
        sys.exit(f"variant {name}: SPEC {spec!r} is neither 'dry' nor a sox 'reverb …' effect")
    return name, None if args == ["dry"] else args


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root")
    ap.add_argument("out")
    ap.add_argument("--split", choices=["dev", "test"], required=True)
    ap.add_argument("--only-reverb", choices=sorted(corpus.REVERBS))
    ap.add_argument("--short-pad", action="store_true",
                    help="every variant gets the corpus's dry trailing pad instead of the hall's longer one")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("variants", nargs="+", metavar="NAME=SPEC")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    sentence_file = os.path.join(root, "local", "sentences.txt")
    committed = os.path.join(root, "data", a.split, "text")
    for need in (sentence_file, committed):
        if not os.path.isfile(need):
            sys.exit(f"reverb_probe.py: {need} not found: ROOT must be the tiny-cmn corpus directory"
                     f" (recipes/tiny-cmn), got {a.root}")
    sentences = corpus.read_sentences(sentence_file)
    # the committed corpus's sizes (make_corpus.sh's defaults); checked against its files below
    utts = [u for u in corpus.plan(sentences, 100, 200) if u["split"] == a.split
            and (a.only_reverb is None or u["reverb"] == a.only_reverb)]
    with open(committed, encoding="utf-8") as f:
        ids = {line.split(maxsplit=1)[0] for line in f if line.strip()}
    if not {u["uttid"] for u in utts} <= ids:
        sys.exit(f"{committed}: the plan's {a.split} utterances are not the committed ones")
    # one trailing pad for every variant (read by synth() in the forked workers)
    pad = corpus.PAD[1] + (0.0 if a.short_pad else corpus.HALL_EXTRA_PAD)
    corpus.trailing_pad = lambda reverb: pad
    for name, args in map(parse_variant, a.variants):
        d = os.path.join(os.path.abspath(a.out), name)
        os.makedirs(os.path.join(d, "audio"), exist_ok=True)
        corpus.REVERBS[name] = args
        variant = [dict(u, reverb=name) for u in utts]
        work = [(u, os.path.join(d, "audio", u["uttid"] + ".flac")) for u in variant]
        with Pool(a.jobs) as pool:
            for u, dur in zip(variant, pool.imap(corpus.synth, work, chunksize=8)):
                u["dur"] = f"{dur:.3f}"
        corpus.write_lines(os.path.join(d, "wav.scp"), [f"{u['uttid']} {w}" for u, (_, w) in zip(variant, work)])
        corpus.write_lines(os.path.join(d, "text"), [f"{u['uttid']} {u['text']}" for u in variant])
        corpus.write_lines(os.path.join(d, "utt2spk"), [f"{u['uttid']} {u['spk']}" for u in variant])
        corpus.write_lines(os.path.join(d, "conditions.tsv"),
                           ["\t".join(str(u[c]) for c in corpus.COLS) for u in variant],
                           header="#" + "\t".join(corpus.COLS))
        print(f"{name}: {len(variant)} {a.split} utterances under {' '.join(args) if args else 'no reverb'}",
              file=sys.stderr)


if __name__ == "__main__":
    main()

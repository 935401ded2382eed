#!/usr/bin/python3
"""CER of a decoded set broken down by the corpus's test conditions (data/conditions.tsv).

Usage: cer_by_condition.py REF_TEXT HYP_TEXT [CONDITIONS_TSV]
  REF_TEXT, HYP_TEXT: Kaldi-style "<uttid> <characters>" files (data/<set>/text and asr3m decode's
  output); CONDITIONS_TSV defaults to the conditions.tsv next to the ref's data directory.

Prints one Markdown table: the CER (character edit distance / reference characters, %) of all
utterances, then per reverb setting, per SNR band, per noise colour and per voice variant, with
the number of utterances and reference characters of each group. An utterance missing from the
hypotheses counts as all deletions (and is reported), as `asr3m cer` does.
"""
import os
import sys
from collections import defaultdict

from homophone_errors import align, read  # the same reading of text files and the same alignment


def read_conditions(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        header = None
        for n, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                header = [h.lstrip("#") for h in fields]
                continue
            if header is None or len(fields) != len(header):
                sys.exit(f"{path}:{n}: expected {len(header or [])} tab-separated fields after the header, "
                         f"got {len(fields)}")
            rows[fields[0]] = dict(zip(header, fields))
    return rows


def snr_band(snr):
    if snr in ("", "-"):
        return "no noise"
    v = float(snr)
    return "10-19 dB" if v < 20 else "20-30 dB" if v <= 30 else f"{snr} dB"


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    ref_path, hyp_path = sys.argv[1], sys.argv[2]
    cond_path = sys.argv[3] if len(sys.argv) == 4 else os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(ref_path))), "conditions.tsv")
    ref, hyp, cond = read(ref_path), read(hyp_path), read_conditions(cond_path)
    missing = [u for u in ref if u not in hyp]
    if missing:
        print(f"note: {len(missing)} utterance(s) of {ref_path} have no hypothesis in {hyp_path} "
              f"(counted as deletions), e.g. {missing[0]}", file=sys.stderr)
    unknown = [u for u in ref if u not in cond]
    if unknown:
        sys.exit(f"{cond_path}: no conditions for {len(unknown)} utterance(s) of {ref_path}, e.g. {unknown[0]}")
    groups = defaultdict(lambda: [0, 0, 0])  # utterances, reference characters, edits
    for u, r in ref.items():
        c = cond[u]
        e = len(align(r, hyp.get(u, "")))  # substitutions, deletions and insertions
        for key in (("all", ""), ("reverb", c["reverb"]), ("SNR", snr_band(c["snr"])), ("noise", c["noise"]),
                    ("voice", c["variant"])):
            g = groups[key]
            g[0] += 1
            g[1] += len(r)
            g[2] += e
    print("| condition | value | utterances | characters | CER % |")
    print("|---|---|---:|---:|---:|")
    for (kind, value), (n, chars, e) in sorted(groups.items(), key=lambda kv: (kv[0][0] != "all", kv[0])):
        print(f"| {kind} | {value} | {n} | {chars} | {100.0 * e / max(chars, 1):.2f} |")


if __name__ == "__main__":
    main()

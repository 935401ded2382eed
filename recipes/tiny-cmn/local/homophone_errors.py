#!/usr/bin/python3
"""How much of a CER is homophones: substitutions between characters that espeak-ng pronounces alike.

Usage: homophone_errors.py REF_TEXT HYP_TEXT
  (Kaldi-style "<uttid> <characters>" files, as data/<set>/text and asr3m decode's output)

Aligns each utterance (Levenshtein, characters), counts substitutions, deletions and insertions,
and splits the substitutions into those whose two characters have the same espeak-ng
(cmn-latn-pinyin) phonemes when spoken alone and the rest. Needs espeak-ng.
"""
import subprocess
import sys
from collections import Counter


def read(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(maxsplit=1)
            if parts:
                out[parts[0]] = parts[1].replace(" ", "") if len(parts) > 1 else ""
    return out


def align(r, h):
    """Edit operations of one minimal alignment: ('S', a, b), ('D', a, None), ('I', None, b)."""
    n, m = len(r), len(h)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (r[i - 1] != h[j - 1]))
    ops, i, j = [], n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (r[i - 1] != h[j - 1]):
            if r[i - 1] != h[j - 1]:
                ops.append(("S", r[i - 1], h[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            ops.append(("D", r[i - 1], None))
            i -= 1
        else:
            ops.append(("I", None, h[j - 1]))
            j -= 1
    return ops


def main():
    ref, hyp = read(sys.argv[1]), read(sys.argv[2])
    ops = []
    n_ref = 0
    for u, r in ref.items():
        n_ref += len(r)
        ops += align(r, hyp.get(u, ""))
    chars = sorted({c for _, a, b in ops for c in (a, b) if c})
    phon = {}
    for c in chars:
        p = subprocess.run(["espeak-ng", "-q", "-x", "-v", "cmn-latn-pinyin", c], capture_output=True, text=True)
        phon[c] = p.stdout.strip().rstrip("_|").strip()
    kinds = Counter(k for k, _, _ in ops)
    homo = [(a, b) for k, a, b in ops if k == "S" and phon[a] == phon[b]]
    print(f"reference characters {n_ref}; errors {len(ops)} = CER {100 * len(ops) / n_ref:.2f} %")
    print(f"substitutions {kinds['S']} (homophones {len(homo)}, {100 * len(homo) / n_ref:.2f} % of the reference), "
          f"deletions {kinds['D']}, insertions {kinds['I']}")
    print(f"CER without homophone substitutions: {100 * (len(ops) - len(homo)) / n_ref:.2f} %")
    top = Counter(f"{a}->{b}" for a, b in homo).most_common(10)
    print("most frequent homophone substitutions: " + ", ".join(f"{k} ({v})" for k, v in top))


if __name__ == "__main__":
    main()

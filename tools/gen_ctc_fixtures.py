#!/usr/bin/env python3
"""Reference CTC losses and gradients for the Java CTC loss tests.

Writes model-core/src/test/resources/fixtures/ctc/cases.json:

  {"cases": [{"name", "description",
              "logits":         [[[V floats] x T] x B]   unnormalised scores, float64
              "input_lengths":  [B ints]
              "targets":        [[labels] x B]           each only its real length, no padding (blank = 0)
              "target_lengths": [B ints]
              "losses":         [B floats]               per-utterance -log p(target | input), "inf" if infeasible
              "grads":          [[[V floats] x T] x B]   d sum(finite losses) / d logits}, ...]}

The reference is, in float64:
    log_probs = log_softmax(logits, -1)            (T, B, V) for ctc_loss
    loss = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='none',
                      zero_infinity=False)
    loss[isfinite(loss)].sum().backward()          gradient w.r.t. the logits
Targets are passed in concatenated 1-D form (so empty targets work). Gradients of frames t >= input_length and of
infeasible utterances are 0 (PyTorch itself would return NaN for the latter, see run_case).
Numbers are written with full float64 precision (Python repr).

Run with Debian's python3-torch:  /usr/bin/python3 tools/gen_ctc_fixtures.py
Java tolerance: loss and gradient within 1e-5 relative.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model-core", "src", "test",
                                    "resources", "fixtures", "ctc"))


def run_case(name, description, logits, input_lengths, targets):
    """logits: (B, T, V) float64; targets: list of label lists (no blanks)."""
    logits = logits.detach().clone().to(torch.float64).requires_grad_(True)
    B, T, V = logits.shape
    assert len(input_lengths) == B and len(targets) == B
    assert all(0 < l <= T for l in input_lengths)
    assert all(0 < c < V for t in targets for c in t)
    target_lengths = [len(t) for t in targets]

    def ctc(x, idx, zero_infinity=False):
        log_probs = F.log_softmax(x[idx], dim=-1).transpose(0, 1)  # (T, B', V)
        tg = torch.tensor([c for b in idx for c in targets[b]], dtype=torch.long)
        return F.ctc_loss(log_probs, tg, torch.tensor([input_lengths[b] for b in idx], dtype=torch.long),
                          torch.tensor([target_lengths[b] for b in idx], dtype=torch.long), blank=0,
                          reduction="none", zero_infinity=zero_infinity)

    loss = ctc(logits, list(range(B))).detach()
    finite = torch.isfinite(loss)
    keep = [b for b in range(B) if finite[b]]
    # PyTorch's backward multiplies the NaN internal gradient of an infinite loss by a zero upstream gradient and so
    # returns NaN for those utterances even when they are excluded from the sum; the true gradient of
    # loss[finite].sum() is 0 there, so differentiate the sub-batch of finite utterances (items are independent).
    grad = torch.zeros_like(logits)
    if keep:
        sub = ctc(logits, keep)
        assert torch.equal(sub.detach(), loss[keep])
        (g,) = torch.autograd.grad(sub.sum(), logits)
        grad = g
    assert torch.isfinite(grad).all(), "non-finite gradient in case " + name
    # cross-check against zero_infinity=True, whose gradient zeroes infeasible utterances
    (gz,) = torch.autograd.grad(ctc(logits, list(range(B)), zero_infinity=True).sum(), logits)
    assert torch.allclose(gz, grad, rtol=1e-12, atol=1e-15), "zero_infinity cross-check failed in " + name
    for b in range(B):
        assert torch.all(grad[b, input_lengths[b]:] == 0)
        if not finite[b]:
            assert torch.all(grad[b] == 0)
    losses = [float(x) if math.isfinite(float(x)) else "inf" for x in loss.detach()]
    print("%-22s B=%d T=%2d V=%2d  input_lengths=%s target_lengths=%s losses=%s"
          % (name, B, T, V, input_lengths, target_lengths, ["%.6g" % x if x != "inf" else x for x in losses]))
    return {"name": name, "description": description,
            "logits": logits.detach().tolist(), "input_lengths": list(input_lengths),
            "targets": [list(t) for t in targets], "target_lengths": target_lengths,
            "losses": losses, "grads": grad.tolist()}


def rand_targets(gen, lengths, V):
    return [torch.randint(1, V, (n,), generator=gen).tolist() for n in lengths]


def main():
    torch.manual_seed(20240601)
    gen = torch.Generator().manual_seed(1234)
    cases = []

    # (a) random, varied lengths, padding frames beyond input length
    cases.append(run_case("a_random_varied", "B=3 T=12 V=6 random logits; input lengths 12/9/6 (padding frames "
                          "have zero gradient)", torch.randn(3, 12, 6, generator=gen, dtype=torch.float64),
                          [12, 9, 6], rand_targets(gen, [5, 3, 2], 6)))

    # (b) repeated labels: blanks are required between repeats; second item has the minimal feasible length
    cases.append(run_case("b_repeated_labels", "repeated labels [2,2,3] and [1,1,1]; item 1 with T = 5 = minimal "
                          "length 2*3-1, item 2 with input length 4 = minimal length for [2,2,3]",
                          torch.randn(3, 8, 5, generator=gen, dtype=torch.float64), [8, 5, 4],
                          [[2, 2, 3], [1, 1, 1], [2, 2, 3]]))

    # (c) empty target: loss = -sum_t log p_t(blank)
    cases.append(run_case("c_empty_target", "item 0 has an empty target (target_length 0), item 1 does not",
                          torch.randn(2, 7, 4, generator=gen, dtype=torch.float64), [7, 5], [[], [3, 1]]))

    # (d) infeasible alignments mixed with feasible ones
    cases.append(run_case("d_infeasible", "item 0 feasible; item 1 target longer than input (6 labels, 4 frames); "
                          "item 2 [1,1] needs 3 frames but has 2; infeasible losses are inf, their gradient is 0",
                          torch.randn(3, 6, 5, generator=gen, dtype=torch.float64), [6, 4, 2],
                          [[1, 2, 3], [1, 2, 3, 4, 1, 2], [1, 1]]))

    # (e) larger random case
    cases.append(run_case("e_large_random", "B=2 T=50 V=20 random logits, random targets of length 15 and 22",
                          torch.randn(2, 50, 20, generator=gen, dtype=torch.float64), [50, 41],
                          rand_targets(gen, [15, 22], 20)))

    # (f) large-magnitude logits (numerical stability of log-sum-exp / log-softmax)
    cases.append(run_case("f_large_magnitude", "logits = 30 * randn: peaked distributions, checks log-space "
                          "stability", 30.0 * torch.randn(2, 10, 5, generator=gen, dtype=torch.float64), [10, 8],
                          rand_targets(gen, [4, 3], 5)))

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "cases.json")
    with open(path, "w") as f:
        f.write('{"cases":[\n')
        f.write(",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in cases))
        f.write("\n]}\n")
    print("torch %s; wrote %s (%d bytes)" % (torch.__version__, path, os.path.getsize(path)))


if __name__ == "__main__":
    main()

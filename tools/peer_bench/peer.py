#!/usr/bin/env python3
"""The PyTorch side of the peer comparison: what `asr3m bench train|decode|ctc|matmul` time, in PyTorch.

Written for this project from the Conformer, Transformer, CTC and SpeechMoE/3M papers and WeNet's
documented behaviour (module structure, parameter shapes, loss definitions); no WeNet code is
imported or copied, so it runs on Debian's python3-torch alone.

    peer.py train  RECIPE [--batch 8 --frames 500 --tokens 20 --vocab V --steps 10 --experts N]
    peer.py decode RECIPE [--vocab V --utterances 8 --seconds 5 --mode attention_rescoring]
    peer.py ctc    [--batch 8 --frames 124 --tokens 20 --vocab 400 --repeats 20]
    peer.py matmul [--size 512]
    common: --threads N (torch.set_num_threads)

Each prints a line "RESULT key=value ..." that run.py reads. Timings use the same warm-up, batch
shapes and statistic (median of timed repeats; decoding: best of 5 rounds) as the Java commands.
"""
import argparse
import math
import re
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------------------- recipes
def read_recipe(path):
    """The few recipe keys that decide shapes, read with a tiny YAML subset parser (no PyYAML needed)."""
    conf, section = {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip())
            key, _, value = line.strip().partition(":")
            value = value.strip()
            if indent == 0:
                section = key if not value else None
                if value:
                    conf[key] = value
                else:
                    conf.setdefault(key, {})
            elif indent == 2 and section is not None and value:
                conf[section][key] = value
    enc, dec = conf.get("encoder_conf", {}), conf.get("decoder_conf", {})
    moe, emb, mc = conf.get("moe_conf", {}), conf.get("embedding_conf", {}), conf.get("model_conf", {})
    d = int(enc.get("output_size", 256))
    r = dict(idim=int(conf.get("input_dim", 80)), d=d, heads=int(enc.get("attention_heads", 4)),
             ff=int(enc.get("linear_units", 2048)), blocks=int(enc.get("num_blocks", 12)),
             channels=int(enc.get("input_layer_channels", d)), kernel=int(enc.get("cnn_module_kernel", 15)),
             dropout=float(enc.get("dropout_rate", 0.1)),
             dec_heads=int(dec.get("attention_heads", enc.get("attention_heads", 4))),
             dec_ff=int(dec.get("linear_units", 2048)), dec_blocks=int(dec.get("num_blocks", 6)),
             ctc_weight=float(mc.get("ctc_weight", 0.3)), lsm=float(mc.get("lsm_weight", 0.1)),
             vocab=int(conf.get("output_dim", 0)), model=conf.get("model", "conformer"))
    if r["model"] == "conformer_moe":
        r["experts"] = int(moe.get("num_experts", 16))
        r["expert_ff"] = int(moe.get("expert_linear_units", r["ff"]))
        r["alpha"], r["beta"], r["gamma"] = (float(moe.get(k, v)) for k, v in
                                             (("alpha", 0.15), ("beta", 0.15), ("gamma", 0.01)))
        r["emb"] = dict(d=int(emb.get("output_size", d)), heads=int(emb.get("attention_heads", r["heads"])),
                        ff=int(emb.get("linear_units", r["ff"])), blocks=int(emb.get("num_blocks", 6)),
                        channels=int(emb.get("input_layer_channels", r["channels"])))
    elif r["model"] != "conformer":
        sys.exit(f"{path}: model {r['model']} is not part of the peer comparison (conformer, conformer_moe)")
    return r


# ----------------------------------------------------------------------------------------- modules
def sinusoid(length, dim):
    pos = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * -(math.log(10000.0) / dim))
    pe = torch.zeros(length, dim)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
    return pe.unsqueeze(0)


class Subsampling4(nn.Module):
    """Two stride-2 3x3 convolutions with ReLU, then a linear map: T -> ((T-1)//2-1)//2 frames."""

    def __init__(self, idim, d, channels, dropout):
        super().__init__()
        c = channels
        self.conv = nn.Sequential(nn.Conv2d(1, c, 3, 2), nn.ReLU(), nn.Conv2d(c, c, 3, 2), nn.ReLU())
        self.out = nn.Linear(c * (((idim - 1) // 2 - 1) // 2), d)
        self.drop, self.d = nn.Dropout(dropout), d

    def forward(self, x, lens):
        x = self.conv(x.unsqueeze(1))
        b, c, t, f = x.shape
        x = self.out(x.transpose(1, 2).reshape(b, t, c * f)) * math.sqrt(self.d)
        pos = sinusoid(t, self.d)
        return self.drop(x), self.drop(pos), ((lens - 1) // 2 - 1) // 2


class FeedForward(nn.Module):
    def __init__(self, d, hidden, dropout, act=F.silu):
        super().__init__()
        self.w_1, self.w_2, self.drop, self.act = nn.Linear(d, hidden), nn.Linear(hidden, d), nn.Dropout(dropout), act

    def forward(self, x):
        return self.w_2(self.drop(self.act(self.w_1(x))))


class MoeFeedForward(nn.Module):
    """Top-1 mixture of experts, the router reading the embedding network's output; dispatch by a
    loop over the experts (each runs on the frames routed to it), as WeNet's MoE layer does."""

    def __init__(self, d, hidden, experts, emb_dim, dropout):
        super().__init__()
        self.router = nn.Linear(emb_dim + d, experts, bias=False)
        self.experts = nn.ModuleList(FeedForward(d, hidden, dropout) for _ in range(experts))

    def forward(self, x, emb):
        b, t, d = x.shape
        flat = x.reshape(-1, d)
        probs = torch.softmax(self.router(torch.cat([emb.detach(), x], -1)).reshape(b * t, -1), -1)
        gate, chosen = probs.max(-1)
        out = torch.zeros_like(flat)
        for i, expert in enumerate(self.experts):
            rows = torch.nonzero(chosen == i, as_tuple=True)[0]
            if rows.numel():
                out.index_add_(0, rows, gate[rows, None] * expert(flat[rows]))
        return out.reshape(b, t, d), probs


class RelPosAttention(nn.Module):
    """Multi-head attention with relative positions (Transformer-XL style biases u, v; no rel-shift)."""

    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dk = heads, d // heads
        self.linear_q, self.linear_k, self.linear_v, self.linear_out = (nn.Linear(d, d) for _ in range(4))
        self.linear_pos = nn.Linear(d, d, bias=False)
        self.pos_bias_u = nn.Parameter(torch.empty(heads, self.dk).uniform_(-0.1, 0.1))
        self.pos_bias_v = nn.Parameter(torch.empty(heads, self.dk).uniform_(-0.1, 0.1))

    def forward(self, x, pos, mask):
        b, t, _ = x.shape
        q = self.linear_q(x).view(b, t, self.h, self.dk)
        k = self.linear_k(x).view(b, t, self.h, self.dk).transpose(1, 2)
        v = self.linear_v(x).view(b, t, self.h, self.dk).transpose(1, 2)
        p = self.linear_pos(pos).view(1, -1, self.h, self.dk).transpose(1, 2)
        ac = torch.matmul((q + self.pos_bias_u).transpose(1, 2), k.transpose(-2, -1))
        bd = torch.matmul((q + self.pos_bias_v).transpose(1, 2), p.transpose(-2, -1))
        scores = (ac + bd) / math.sqrt(self.dk)
        attn = torch.softmax(scores.masked_fill(~mask.unsqueeze(1), -1e30), -1)
        return self.linear_out(torch.matmul(attn, v).transpose(1, 2).reshape(b, t, -1))


class ConvModule(nn.Module):
    def __init__(self, d, kernel):
        super().__init__()
        self.pointwise_conv1 = nn.Conv1d(d, 2 * d, 1)
        self.depthwise_conv = nn.Conv1d(d, d, kernel, padding=(kernel - 1) // 2, groups=d)
        self.norm = nn.LayerNorm(d)
        self.pointwise_conv2 = nn.Conv1d(d, d, 1)

    def forward(self, x, pad_mask):
        x = x.masked_fill(~pad_mask.unsqueeze(2), 0.0).transpose(1, 2)
        x = F.glu(self.pointwise_conv1(x), dim=1)
        x = self.depthwise_conv(x)
        x = F.silu(self.norm(x.transpose(1, 2))).transpose(1, 2)
        return self.pointwise_conv2(x).transpose(1, 2).masked_fill(~pad_mask.unsqueeze(2), 0.0)


class ConformerBlock(nn.Module):
    """Macaron FFN/2, self-attention, convolution, FFN/2 (or MoE), final norm; pre-norm residuals."""

    def __init__(self, d, heads, ff, kernel, dropout, moe=None):
        super().__init__()
        self.feed_forward_macaron = FeedForward(d, ff, dropout)
        self.self_attn = RelPosAttention(d, heads)
        self.conv_module = ConvModule(d, kernel)
        self.feed_forward = moe if moe is not None else FeedForward(d, ff, dropout)
        self.norms = nn.ModuleList(nn.LayerNorm(d) for _ in range(5))
        self.drop, self.moe = nn.Dropout(dropout), moe is not None

    def forward(self, x, pos, mask, pad_mask, emb=None):
        n = self.norms
        x = x + 0.5 * self.drop(self.feed_forward_macaron(n[0](x)))
        x = x + self.drop(self.self_attn(n[1](x), pos, mask))
        x = x + self.drop(self.conv_module(n[2](x), pad_mask))
        probs = None
        if self.moe:
            y, probs = self.feed_forward(n[3](x), emb)
        else:
            y = self.feed_forward(n[3](x))
        x = x + 0.5 * self.drop(y)
        return n[4](x), probs


class Encoder(nn.Module):
    def __init__(self, idim, d, channels, heads, ff, blocks, kernel, dropout, moe_factory=None):
        super().__init__()
        self.embed = Subsampling4(idim, d, channels, dropout)
        self.encoders = nn.ModuleList(ConformerBlock(d, heads, ff, kernel, dropout,
                                                     moe_factory() if moe_factory else None) for _ in range(blocks))
        self.after_norm = nn.LayerNorm(d)

    def forward(self, feats, lens, emb=None):
        x, pos, lens = self.embed(feats, lens)
        pad_mask = torch.arange(x.size(1)).unsqueeze(0) < lens.unsqueeze(1)  # (B, T) True = frame
        mask = pad_mask.unsqueeze(1)
        probs = []
        for block in self.encoders:
            x, p = block(x, pos, mask, pad_mask, emb)
            if p is not None:
                probs.append(p)
        return self.after_norm(x), lens, pad_mask, probs


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ff, dropout):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.src_attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.feed_forward = FeedForward(d, ff, dropout, act=F.relu)
        self.norms = nn.ModuleList(nn.LayerNorm(d) for _ in range(3))
        self.drop = nn.Dropout(dropout)

    def forward(self, y, causal, memory, memory_pad):
        h = self.norms[0](y)
        y = y + self.drop(self.self_attn(h, h, h, attn_mask=causal, need_weights=False)[0])
        h = self.norms[1](y)
        y = y + self.drop(self.src_attn(h, memory, memory, key_padding_mask=memory_pad, need_weights=False)[0])
        return y + self.drop(self.feed_forward(self.norms[2](y)))


class Decoder(nn.Module):
    def __init__(self, vocab, d, heads, ff, blocks, dropout):
        super().__init__()
        self.embed, self.d = nn.Embedding(vocab, d), d
        self.decoders = nn.ModuleList(DecoderLayer(d, heads, ff, dropout) for _ in range(blocks))
        self.after_norm, self.output_layer = nn.LayerNorm(d), nn.Linear(d, vocab)
        self.drop = nn.Dropout(dropout)

    def forward(self, memory, memory_pad_mask, ys_in):
        u = ys_in.size(1)
        y = self.drop(self.embed(ys_in) * math.sqrt(self.d) + sinusoid(u, self.d))
        causal = torch.triu(torch.ones(u, u, dtype=torch.bool), 1)
        for layer in self.decoders:
            y = layer(y, causal, memory, ~memory_pad_mask)
        return self.output_layer(self.after_norm(y))


class AsrModel(nn.Module):
    def __init__(self, r, vocab):
        super().__init__()
        self.r, self.vocab = r, vocab
        moe_factory = None
        if r["model"] == "conformer_moe":
            e = r["emb"]
            self.embedding = Encoder(r["idim"], e["d"], e["channels"], e["heads"], e["ff"], e["blocks"], r["kernel"],
                                     r["dropout"])
            self.embedding_ctc = nn.Linear(e["d"], vocab)
            moe_factory = lambda: MoeFeedForward(r["d"], r["expert_ff"], r["experts"], e["d"], r["dropout"])
        self.encoder = Encoder(r["idim"], r["d"], r["channels"], r["heads"], r["ff"], r["blocks"], r["kernel"],
                               r["dropout"], moe_factory)
        self.decoder = Decoder(vocab, r["d"], r["dec_heads"], r["dec_ff"], r["dec_blocks"], r["dropout"])
        self.ctc_lo = nn.Linear(r["d"], vocab)  # no dropout before the CTC projection (WeNet, 3m-asr)

    def encode(self, feats, lens):
        emb = None
        if hasattr(self, "embedding"):
            emb, _, _, _ = self.embedding(feats, lens)
        enc, enc_lens, pad, probs = self.encoder(feats, lens, emb)
        return enc, enc_lens, pad, probs, emb

    def loss(self, feats, lens, ys, ys_lens):
        b, sos = feats.size(0), self.vocab - 1
        enc, enc_lens, pad, probs, emb = self.encode(feats, lens)
        loss_ctc = ctc_loss(self.ctc_lo(enc), enc_lens, ys, ys_lens)
        ys_in = torch.cat([torch.full((b, 1), sos), ys], 1)
        ys_out = torch.cat([ys, torch.full((b, 1), -1)], 1)
        ys_out[torch.arange(b), ys_lens] = sos  # eos after each target (full-length targets in the benchmark)
        loss_att = label_smoothing(self.decoder(enc, pad, ys_in), ys_out, self.r["lsm"], b)
        eta = self.r["ctc_weight"]
        total = eta * loss_ctc + (1 - eta) * loss_att
        if probs:
            r = self.r
            frames = pad.reshape(-1)
            l_s = sum((p / p.norm(dim=-1, keepdim=True)).abs().sum(-1)[frames].mean() for p in probs) / len(probs)
            l_m = sum(p.size(-1) * (p[frames].mean(0) ** 2).sum() for p in probs) / len(probs)
            l_e = ctc_loss(self.embedding_ctc(emb), enc_lens, ys, ys_lens)
            total = total + r["alpha"] * l_s + r["beta"] * l_m + r["gamma"] * l_e
        return total


def ctc_loss(logits, lens, ys, ys_lens):
    """Summed over the batch, divided by the batch size (WeNet's CTC module)."""
    logp = torch.log_softmax(logits, -1).transpose(0, 1)
    return F.ctc_loss(logp, ys, lens, ys_lens, blank=0, reduction="sum", zero_infinity=True) / logits.size(0)


def label_smoothing(logits, target, lsm, batch):
    v = logits.size(-1)
    logp = torch.log_softmax(logits.reshape(-1, v), 1)
    target = target.reshape(-1)
    ignore = target == -1
    dist = torch.full_like(logp, lsm / (v - 1))
    dist.scatter_(1, target.masked_fill(ignore, 0).unsqueeze(1), 1 - lsm)
    kl = F.kl_div(logp, dist, reduction="none")
    return kl.masked_fill(ignore.unsqueeze(1), 0).sum() / batch


# ----------------------------------------------------------------------------------------- decoding
def ctc_greedy(logp):
    best = logp.argmax(-1).tolist()
    out, prev = [], 0
    for k in best:
        if k != prev and k != 0:
            out.append(k)
        prev = k
    return out


def log_add(*xs):
    m = max(xs)
    if m == -float("inf"):
        return m
    return m + math.log(sum(math.exp(x - m) for x in xs))


def ctc_prefix_beam(logp, beam):
    """Prefix beam search over CTC posteriors (T, V): each prefix keeps (blank-ending, label-ending)
    log scores; per frame only the beam most likely tokens extend the prefixes."""
    neg = -float("inf")
    beams = [((), (0.0, neg))]
    for t in range(logp.size(0)):
        scores, tokens = logp[t].topk(beam)
        nxt = {}
        for prefix, (pb, pnb) in beams:
            for s, k in zip(scores.tolist(), tokens.tolist()):
                if k == 0:
                    b_, nb_ = nxt.get(prefix, (neg, neg))
                    nxt[prefix] = (log_add(b_, pb + s, pnb + s), nb_)
                    continue
                last = prefix[-1] if prefix else None
                ext = prefix + (k,)
                b_, nb_ = nxt.get(ext, (neg, neg))
                if k == last:
                    nxt[ext] = (b_, log_add(nb_, pb + s))
                    b2, nb2 = nxt.get(prefix, (neg, neg))
                    nxt[prefix] = (b2, log_add(nb2, pnb + s))
                else:
                    nxt[ext] = (b_, log_add(nb_, pb + s, pnb + s))
        beams = sorted(nxt.items(), key=lambda kv: log_add(*kv[1]), reverse=True)[:beam]
    return [(list(p), log_add(*s)) for p, s in beams]


def attention_rescoring(model, enc, pad, logp, beam, ctc_weight):
    hyps = ctc_prefix_beam(logp, beam)
    sos = model.vocab - 1
    n = len(hyps)
    u = max(len(h) for h, _ in hyps) + 1
    ys_in = torch.full((n, u), sos, dtype=torch.long)
    for i, (h, _) in enumerate(hyps):
        ys_in[i, 1:len(h) + 1] = torch.tensor(h, dtype=torch.long)
    out = torch.log_softmax(model.decoder(enc.expand(n, -1, -1), pad.expand(n, -1), ys_in), -1)
    best, best_score = None, -float("inf")
    for i, (h, ctc_score) in enumerate(hyps):
        score = sum(out[i, j, k].item() for j, k in enumerate(h)) + out[i, len(h), sos].item()
        score += ctc_weight * ctc_score
        if score > best_score:
            best, best_score = h, score
    return best


# ----------------------------------------------------------------------------------------- commands
def median(xs):
    return statistics.median(xs)


def cmd_train(a):
    r = read_recipe(a.recipe)
    if a.experts:
        r["experts"] = a.experts
    vocab = a.vocab or r["vocab"]
    model = AsrModel(r, vocab)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    params = [p for p in model.parameters()]
    phases = {k: [] for k in ("forward", "backward", "norm", "adam", "zero", "step")}
    prof = None
    for s in range(a.steps + 2):
        if s == 2 and a.profile:
            # the same profiler libtorch offers DJL (asr3m bench train --profile): operators with shapes
            prof = torch.autograd.profiler.profile(record_shapes=True)
            prof.__enter__()
        t0 = time.perf_counter()
        feats = torch.randn(a.batch, a.frames, r["idim"])
        lens = torch.full((a.batch,), a.frames, dtype=torch.long)
        ys = torch.randint(2, vocab - 1, (a.batch, a.tokens))
        ys_lens = torch.full((a.batch,), a.tokens, dtype=torch.long)
        t1 = time.perf_counter()
        loss = model.loss(feats, lens, ys, ys_lens)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        t4 = time.perf_counter()
        opt.step()
        t5 = time.perf_counter()
        opt.zero_grad()
        t6 = time.perf_counter()
        if s >= 2:
            for k, v in zip(phases, (t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t6 - t0)):
                phases[k].append(v)
    if prof is not None:
        prof.__exit__(None, None, None)
        prof.export_chrome_trace(a.profile)
        print(f"operator profile of the {a.steps} timed steps: {a.profile}")
    m = {k: median(v) for k, v in phases.items()}
    n_params = sum(p.numel() for p in params)
    print(f"{a.recipe}: batch {a.batch} x {a.frames} frames, {a.tokens} tokens, vocab {vocab}, "
          f"{torch.get_num_threads()} threads, {n_params:,} parameters")
    print("RESULT step=%.5f forward=%.5f backward=%.5f update=%.5f params=%d" % (
        m["step"], m["forward"], m["backward"], m["norm"] + m["adam"] + m["zero"], n_params))


def cmd_decode(a):
    r = read_recipe(a.recipe)
    vocab = a.vocab or r["vocab"]
    model = AsrModel(r, vocab).eval()
    best = float("inf")
    prof = None
    with torch.inference_mode():
        for rep in range(-1, 5):
            if rep == 0 and a.profile:
                # the same profiler as asr3m bench decode --profile, over the same 5 timed rounds
                prof = torch.autograd.profiler.profile(record_shapes=True)
                prof.__enter__()
            t0 = time.perf_counter()
            for _ in range(a.utterances):
                feats = torch.randn(1, a.seconds * 100, r["idim"])
                lens = torch.tensor([a.seconds * 100])
                enc, enc_lens, pad, _, _ = model.encode(feats, lens)
                logp = torch.log_softmax(model.ctc_lo(enc), -1)[0]
                if a.mode == "ctc_greedy_search":
                    ctc_greedy(logp)
                elif a.mode == "ctc_prefix_beam_search":
                    ctc_prefix_beam(logp, a.beam)
                else:
                    attention_rescoring(model, enc, pad, logp, a.beam, 0.5)
            if rep >= 0:
                best = min(best, time.perf_counter() - t0)
    if prof is not None:
        prof.__exit__(None, None, None)
        prof.export_chrome_trace(a.profile)
        print(f"operator profile of the 5 timed rounds: {a.profile}")
    print(f"decode {a.mode}: {a.utterances} x {a.seconds} s, {torch.get_num_threads()} threads")
    print("RESULT rtf=%.5f" % (best / (a.utterances * a.seconds)))


def cmd_ctc(a):
    def once():
        logits = torch.randn(a.batch, a.frames, a.vocab, requires_grad=True)
        lens = torch.full((a.batch,), a.frames, dtype=torch.long)
        ys = torch.randint(1, a.vocab, (a.batch, a.tokens))
        ys_lens = torch.full((a.batch,), a.tokens, dtype=torch.long)
        t0 = time.perf_counter()
        ctc_loss(logits, lens, ys, ys_lens).backward()
        return time.perf_counter() - t0

    # untimed runs first, at least 3 and for at least --warmup seconds: the same rule as asr3m bench ctc
    end, warm = time.perf_counter() + a.warmup, 0
    while warm < 3 or time.perf_counter() < end:
        once()
        warm += 1
    times = [once() for _ in range(a.repeats)]
    print(f"ctc loss forward + backward: B {a.batch} x T {a.frames}, {a.tokens} tokens, vocab {a.vocab}, "
          f"{torch.get_num_threads()} threads")
    print("RESULT ms=%.4f" % (median(times) * 1e3))


def blas_libraries():
    """The BLAS shared objects mapped into this process (Debian's torch uses whatever libblas.so.3 is)."""
    found = set()
    with open("/proc/self/maps", encoding="utf-8") as f:
        for line in f:
            m = re.search(r"(\S*(?:blas|mkl)\S*\.so[\S]*)", line)
            if m:
                found.add(m.group(1))
    return sorted(found)


def cmd_matmul(a):
    x, y = torch.randn(a.size, a.size), torch.randn(a.size, a.size)
    times = []
    for r in range(-3, 20):
        t0 = time.perf_counter()
        x @ y
        if r >= 0:
            times.append(time.perf_counter() - t0)
    libs = blas_libraries()
    openblas = any("openblas" in p for p in libs)
    print("BLAS: " + (", ".join(libs) or "none found"))
    if not openblas:
        print("WARNING: torch is not using OpenBLAS (install libopenblas0-pthread): the peer numbers would be "
              "those of the reference BLAS, which no user runs", file=sys.stderr)
    print("RESULT gflops=%.2f openblas=%s" % (2 * a.size ** 3 / median(times) / 1e9, str(openblas).lower()))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=0)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("recipe")
    t.add_argument("--batch", type=int, default=8)
    t.add_argument("--frames", type=int, default=500)
    t.add_argument("--tokens", type=int, default=20)
    t.add_argument("--vocab", type=int, default=0)
    t.add_argument("--steps", type=int, default=10)
    t.add_argument("--experts", type=int, default=0)
    t.add_argument("--profile", default="", help="write the timed steps' operator profile (Chrome trace JSON) here")
    d = sub.add_parser("decode")
    d.add_argument("recipe")
    d.add_argument("--vocab", type=int, default=0)
    d.add_argument("--utterances", type=int, default=8)
    d.add_argument("--seconds", type=int, default=5)
    d.add_argument("--beam", type=int, default=10)
    d.add_argument("--mode", default="attention_rescoring",
                   choices=["ctc_greedy_search", "ctc_prefix_beam_search", "attention_rescoring"])
    d.add_argument("--profile", default="", help="write the timed rounds' operator profile (Chrome trace JSON) here")
    c = sub.add_parser("ctc")
    c.add_argument("--batch", type=int, default=8)
    c.add_argument("--frames", type=int, default=124)
    c.add_argument("--tokens", type=int, default=20)
    c.add_argument("--vocab", type=int, default=400)
    c.add_argument("--repeats", type=int, default=20)
    c.add_argument("--warmup", type=float, default=5.0, help="untimed runs for at least this many seconds")
    mm = sub.add_parser("matmul")
    mm.add_argument("--size", type=int, default=512)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    {"train": cmd_train, "decode": cmd_decode, "ctc": cmd_ctc, "matmul": cmd_matmul}[a.cmd](a)


if __name__ == "__main__":
    main()

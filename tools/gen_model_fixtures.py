#!/usr/bin/env python3
"""Reference forward pass of a tiny Conformer CTC/attention model, for the Java model tests.

An independent PyTorch implementation of the modules as WeNet defines them (Conv2dSubsampling4,
RelPositionMultiHeadedAttention without rel-shift, macaron Conformer block with convolution module,
Transformer / bidirectional decoder, CTC head, label-smoothing loss). It builds the model with fixed
random weights, runs it in float64 and writes, under model-core/src/test/resources/fixtures/model/:

  weights.npz   parameters keyed by the WeNet-style names the Java model uses
  io.npz        inputs (feats, feat_lens, targets, target_lens) and outputs
                (encoder_out, encoder_lens, ctc_logits, decoder_logits, r_decoder_logits,
                 loss_ctc, loss_att, loss, and grad/<name> = d loss / d parameter for GRAD_CHECKED)

Run with Debian's python3-torch:  /usr/bin/python3 tools/gen_model_fixtures.py
The Java test (ModelReferenceTest) compares in float32 with relative error <= 1e-4.
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model-core", "src", "test", "resources",
                   "fixtures", "model")

IDIM, D, H, FF, BLOCKS, KERNEL = 80, 32, 4, 64, 2, 5
VOCAB, DEC_BLOCKS, R_DEC_BLOCKS = 12, 1, 1
CTC_WEIGHT, LSM, REVERSE = 0.3, 0.1, 0.3
# WeNet's CTC module (dropout_rate=0.0) and 3m-asr's out_linear apply no dropout before the projection;
# model_conf.ctc_dropout_rate defaults to this, so the Java head matches in training mode too
CTC_DROPOUT = 0.0
# parameters whose gradient of the joint loss is stored, one per kind of module on the path
GRAD_CHECKED = ["encoder.embed.conv.0.weight", "encoder.encoders.0.self_attn.pos_bias_u",
                "encoder.encoders.0.conv_module.depthwise_conv.weight",
                "encoder.encoders.0.conv_module.pointwise_conv1.weight",
                "encoder.encoders.0.conv_module.pointwise_conv2.weight", "encoder.encoders.1.feed_forward.w_1.weight",
                "decoder.left_decoder.embed.0.weight", "decoder.right_decoder.decoders.0.src_attn.linear_q.weight",
                "ctc.ctc_lo.weight"]


def sinusoid(offset, length, dim):
    pos = torch.arange(offset, offset + length, dtype=torch.float64).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64) * -(math.log(10000.0) / dim))
    pe = torch.zeros(length, dim, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe.unsqueeze(0)


def pad_mask(lens, maxlen):
    return (torch.arange(maxlen).unsqueeze(0) < lens.unsqueeze(1)).unsqueeze(1)  # (B,1,T) True = keep


class FFN(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.w_1, self.w_2, self.act = nn.Linear(D, FF), nn.Linear(FF, D), act

    def forward(self, x):
        return self.w_2(self.act(self.w_1(x)))


class MHA(nn.Module):
    def __init__(self, rel=False):
        super().__init__()
        self.linear_q, self.linear_k = nn.Linear(D, D), nn.Linear(D, D)
        self.linear_v, self.linear_out = nn.Linear(D, D), nn.Linear(D, D)
        self.rel = rel
        if rel:
            self.linear_pos = nn.Linear(D, D, bias=False)
            self.pos_bias_u = nn.Parameter(torch.empty(H, D // H))
            self.pos_bias_v = nn.Parameter(torch.empty(H, D // H))
            nn.init.xavier_uniform_(self.pos_bias_u)
            nn.init.xavier_uniform_(self.pos_bias_v)

    def split(self, x):
        return x.view(x.size(0), -1, H, D // H).transpose(1, 2)  # (B,H,T,d)

    def forward(self, q, k, v, mask, pos=None):
        qh, kh, vh = self.split(self.linear_q(q)), self.split(self.linear_k(k)), self.split(self.linear_v(v))
        if self.rel:
            p = self.split(self.linear_pos(pos))
            ac = torch.matmul(qh + self.pos_bias_u.unsqueeze(1), kh.transpose(-2, -1))
            bd = torch.matmul(qh + self.pos_bias_v.unsqueeze(1), p.transpose(-2, -1))
            scores = (ac + bd) / math.sqrt(D // H)
        else:
            scores = torch.matmul(qh, kh.transpose(-2, -1)) / math.sqrt(D // H)
        m = mask.unsqueeze(1).eq(0)
        attn = torch.softmax(scores.masked_fill(m, -float("inf")), dim=-1).masked_fill(m, 0.0)
        x = torch.matmul(attn, vh).transpose(1, 2).contiguous().view(q.size(0), -1, D)
        return self.linear_out(x)


class ConvModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.pointwise_conv1 = nn.Conv1d(D, 2 * D, 1)
        self.depthwise_conv = nn.Conv1d(D, D, KERNEL, padding=(KERNEL - 1) // 2, groups=D)
        self.norm = nn.LayerNorm(D)
        self.pointwise_conv2 = nn.Conv1d(D, D, 1)

    def forward(self, x, mask_pad):
        x = x.transpose(1, 2).masked_fill(~mask_pad, 0.0)
        x = F.glu(self.pointwise_conv1(x), dim=1)
        x = self.depthwise_conv(x)
        x = self.norm(x.transpose(1, 2)).transpose(1, 2)
        x = self.pointwise_conv2(x * torch.sigmoid(x))
        return x.masked_fill(~mask_pad, 0.0).transpose(1, 2)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        swish = lambda t: t * torch.sigmoid(t)
        self.self_attn = MHA(rel=True)
        self.feed_forward, self.feed_forward_macaron = FFN(swish), FFN(swish)
        self.conv_module = ConvModule()
        for n in ["norm_ff", "norm_mha", "norm_ff_macaron", "norm_conv", "norm_final"]:
            setattr(self, n, nn.LayerNorm(D))

    def forward(self, x, mask, pos, mask_pad):
        x = x + 0.5 * self.feed_forward_macaron(self.norm_ff_macaron(x))
        h = self.norm_mha(x)
        x = x + self.self_attn(h, h, h, mask, pos)
        x = x + self.conv_module(self.norm_conv(x), mask_pad)
        x = x + 0.5 * self.feed_forward(self.norm_ff(x))
        return self.norm_final(x)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.global_cmvn_mean = torch.randn(IDIM, dtype=torch.float64)
        self.global_cmvn_istd = torch.rand(IDIM, dtype=torch.float64) + 0.5
        self.embed = nn.Module()
        self.embed.conv = nn.Sequential(nn.Conv2d(1, D, 3, 2), nn.ReLU(), nn.Conv2d(D, D, 3, 2), nn.ReLU())
        self.embed.out = nn.Sequential(nn.Linear(D * (((IDIM - 1) // 2 - 1) // 2), D))
        self.encoders = nn.ModuleList([Block() for _ in range(BLOCKS)])
        self.after_norm = nn.LayerNorm(D)

    def forward(self, feats, lens):
        x = (feats - self.global_cmvn_mean) * self.global_cmvn_istd
        mask = pad_mask(lens, feats.size(1))
        x = self.embed.conv(x.unsqueeze(1))
        b, c, t, f = x.size()
        x = self.embed.out(x.transpose(1, 2).contiguous().view(b, t, c * f)) * math.sqrt(D)
        pos = sinusoid(0, t, D)
        mask = mask[:, :, 2::2][:, :, 2::2]
        for blk in self.encoders:
            x = blk(x, mask, pos, mask)
        return self.after_norm(x), mask


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn, self.src_attn = MHA(), MHA()
        self.feed_forward = FFN(torch.relu)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(D), nn.LayerNorm(D), nn.LayerNorm(D)

    def forward(self, x, tgt_mask, mem, mem_mask):
        h = self.norm1(x)
        x = x + self.self_attn(h, h, h, tgt_mask)
        h = self.norm2(x)
        x = x + self.src_attn(h, mem, mem, mem_mask)
        return x + self.feed_forward(self.norm3(x))


class Decoder(nn.Module):
    def __init__(self, blocks):
        super().__init__()
        self.embed = nn.Sequential(nn.Embedding(VOCAB, D))
        self.decoders = nn.ModuleList([DecoderLayer() for _ in range(blocks)])
        self.after_norm = nn.LayerNorm(D)
        self.output_layer = nn.Linear(D, VOCAB)

    def forward(self, mem, mem_mask, ys_in, ys_lens):
        L = ys_in.size(1)
        tgt_mask = pad_mask(ys_lens, L) & torch.tril(torch.ones(L, L, dtype=torch.bool)).unsqueeze(0)
        x = self.embed(ys_in) * math.sqrt(D) + sinusoid(0, L, D)
        for layer in self.decoders:
            x = layer(x, tgt_mask, mem, mem_mask)
        return self.output_layer(self.after_norm(x))


class BiDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.left_decoder, self.right_decoder = Decoder(DEC_BLOCKS), Decoder(R_DEC_BLOCKS)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder, self.decoder = Encoder(), BiDecoder()
        self.ctc = nn.Module()
        self.ctc.ctc_lo = nn.Linear(D, VOCAB)


def label_smoothing_loss(logits, target, batch):
    logp = torch.log_softmax(logits.reshape(-1, VOCAB), dim=1)
    target = target.reshape(-1)
    ignore = target == -1
    dist = torch.full_like(logp, LSM / (VOCAB - 1))
    dist.scatter_(1, target.masked_fill(ignore, 0).unsqueeze(1), 1 - LSM)
    kl = F.kl_div(logp, dist, reduction="none")
    return kl.masked_fill(ignore.unsqueeze(1), 0).sum() / batch


def add_sos_eos(ys, lens, sos):
    b = ys.size(0)
    ys_in = torch.full((b, ys.size(1) + 1), sos, dtype=torch.long)
    ys_out = torch.full((b, ys.size(1) + 1), -1, dtype=torch.long)
    for i in range(b):
        n = int(lens[i])
        ys_in[i, 1:n + 1] = ys[i, :n]
        ys_out[i, :n] = ys[i, :n]
        ys_out[i, n] = sos
    return ys_in, ys_out


def main():
    torch.manual_seed(1234)
    model = Model().double()
    with torch.no_grad():  # non-trivial LayerNorm parameters so the test sees them
        for name, p in model.named_parameters():
            if ".norm" in name or "after_norm" in name or name.endswith("norm.weight") or name.endswith("norm.bias"):
                p.add_(0.1 * torch.randn_like(p))
    b, t = 2, 64
    feats = torch.randn(b, t, IDIM, dtype=torch.float64) * 2 + 1
    feat_lens = torch.tensor([64, 47])
    targets = torch.tensor([[3, 5, 5, 7], [2, 9, -1, -1]])
    target_lens = torch.tensor([4, 2])
    sos = VOCAB - 1
    with torch.enable_grad():
        enc, mask = model.encoder(feats, feat_lens)
        enc_lens = mask.squeeze(1).sum(1)
        ctc_logits = model.ctc.ctc_lo(F.dropout(enc, CTC_DROPOUT, training=True))
        loss_ctc = F.ctc_loss(torch.log_softmax(ctc_logits, 2).transpose(0, 1), targets.clamp(min=0), enc_lens,
                              target_lens, blank=0, reduction="sum", zero_infinity=False) / b
        ys_in, ys_out = add_sos_eos(targets, target_lens, sos)
        r_targets = torch.full_like(targets, -1)
        for i in range(b):
            n = int(target_lens[i])
            r_targets[i, :n] = torch.flip(targets[i, :n], [0])
        r_ys_in, r_ys_out = add_sos_eos(r_targets, target_lens, sos)
        dec = model.decoder.left_decoder(enc, mask, ys_in, target_lens + 1)
        r_dec = model.decoder.right_decoder(enc, mask, r_ys_in, target_lens + 1)
        loss_att = (1 - REVERSE) * label_smoothing_loss(dec, ys_out, b) + REVERSE * label_smoothing_loss(r_dec, r_ys_out, b)
        loss = CTC_WEIGHT * loss_ctc + (1 - CTC_WEIGHT) * loss_att
        model.zero_grad()
        loss.backward()
    grads = {"grad/" + k: p.grad.detach().numpy().astype(np.float32) for k, p in model.named_parameters()
             if k in GRAD_CHECKED}
    os.makedirs(OUT, exist_ok=True)
    weights = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    weights["encoder.global_cmvn.mean"] = model.encoder.global_cmvn_mean.numpy().astype(np.float32)
    weights["encoder.global_cmvn.istd"] = model.encoder.global_cmvn_istd.numpy().astype(np.float32)
    np.savez(os.path.join(OUT, "weights.npz"), **weights)
    f32 = lambda x: x.detach().numpy().astype(np.float32)
    enc, ctc_logits, dec, r_dec = enc.detach(), ctc_logits.detach(), dec.detach(), r_dec.detach()
    np.savez(os.path.join(OUT, "io.npz"), feats=f32(feats), feat_lens=f32(feat_lens), targets=f32(targets),
             target_lens=f32(target_lens), encoder_out=f32(enc), encoder_lens=f32(enc_lens),
             ctc_logits=f32(ctc_logits), decoder_logits=f32(dec), r_decoder_logits=f32(r_dec),
             loss_ctc=f32(loss_ctc.reshape(1)), loss_att=f32(loss_att.reshape(1)), loss=f32(loss.reshape(1)), **grads)
    print("torch", torch.__version__, "| params", len(weights), "| loss", float(loss), "ctc", float(loss_ctc),
          "att", float(loss_att))


if __name__ == "__main__":
    main()

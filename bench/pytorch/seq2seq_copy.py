#!/usr/bin/env python3
"""The PyTorch 1.13 peer of `minitape copy`: a small encoder-decoder Transformer learns to copy (or reverse)
random symbol sequences; reports the steps and the training seconds to 99% held-out exact match.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 MALLOC_MMAP_MAX_=0 \\
        /usr/bin/python3 bench/pytorch/seq2seq_copy.py --task reverse --seed 1

The task is lm/.../data/CopyTask.java number for number: ids PAD 0, BOS 1, EOS 2, symbols 3..K+2; lengths
uniform in [min, max]; the held-out set (500 distinct sequences, at most floor(K^L / 10) of length L) is drawn
with minitape's SplitMix64 from Rng(seed ^ 0x4E1D) and the training batches from Rng(seed), skipping held-out
sequences, so both frameworks see the same data in the same order. Batches are padded to their longest source;
the decoder reads BOS + target and predicts target + EOS (teacher forcing), cross-entropy ignores PAD.

The model is torch.nn.Transformer (d_model 64, nhead 4, 2 + 2 layers, dim_feedforward 256, dropout 0,
batch_first, norm_first: pre-LN like minitape, with nn.Transformer's final encoder and decoder norms;
activation GELU in the tanh form like minitape's Mlp, where nn.Transformer's default is ReLU: --activation
relu), a shared
token embedding (padding_idx PAD), learned positions and a Linear head. nn.Transformer re-initializes
its matrices with xavier_uniform_; embeddings keep nn.Embedding's N(0, 1) and the head nn.Linear's default.
AdamW (lr 1e-3, PyTorch's defaults: betas (0.9, 0.999), weight decay 0.01 on every parameter), batch 64.
The knobs below change one thing at a time for ablations run with bench/copy-vs-pytorch.sh.

Every --eval-every steps the held-out set is greedy-decoded (batched; the encoder runs once, the decoder
re-reads the growing prefix); evaluation is timed apart from training. The last line is
`RESULT key=value ...` for bench/copy-vs-pytorch.sh.
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt import Rng  # noqa: E402  minitape's SplitMix64

PAD, BOS, EOS, SPECIALS = 0, 1, 2, 3
ACTIVATIONS = {"relu": F.relu, "gelu": lambda x: F.gelu(x, approximate="tanh")}


# ---- the task: CopyTask.java ----------------------------------------------------------------------------

class CopyTask:
    def __init__(self, kind, symbols, min_len, max_len, held_out_size, seed):
        self.kind, self.symbols, self.min_len, self.max_len = kind, symbols, min_len, max_len
        rng = Rng(seed ^ 0x4E1D)
        per_length = [0] * (max_len + 1)
        self.held_out, self.held_keys = [], set()
        tries = 0
        while len(self.held_out) < held_out_size and tries < 100 * held_out_size:
            tries += 1
            s = self.draw(rng)
            if per_length[len(s)] >= math.floor(symbols ** len(s) / 10) or tuple(s) in self.held_keys:
                continue
            self.held_keys.add(tuple(s))
            per_length[len(s)] += 1
            self.held_out.append(s)

    def draw(self, rng):
        n = self.min_len + rng.next_int(self.max_len - self.min_len + 1)
        return [SPECIALS + rng.next_int(self.symbols) for _ in range(n)]

    def target(self, s):
        return {"copy": list(s), "reverse": s[::-1], "sort": sorted(s)}[self.kind]

    def train_batch(self, size, rng):
        seqs = []
        while len(seqs) < size:
            s = self.draw(rng)
            if tuple(s) not in self.held_keys:
                seqs.append(s)
        return self.batch(seqs)

    def batch(self, sources):
        b, s = len(sources), max(len(x) for x in sources)
        t = s + 1
        src = torch.zeros(b, s, dtype=torch.long)
        tin = torch.zeros(b, t, dtype=torch.long)
        tout = torch.zeros(b, t, dtype=torch.long)
        for i, x in enumerate(sources):
            y = self.target(x)
            src[i, :len(x)] = torch.tensor(x)
            tin[i, 0] = BOS
            tin[i, 1:len(y) + 1] = torch.tensor(y)
            tout[i, :len(y)] = torch.tensor(y)
            tout[i, len(y)] = EOS
        return src, tin, tout


# ---- the model --------------------------------------------------------------------------------------------

class Seq2Seq(nn.Module):
    def __init__(self, vocab, d, heads, layers, ff, max_len, a):
        super().__init__()
        self.d, self.emb_sqrt_d = d, a.emb_sqrt_d
        self.embed = nn.Embedding(vocab, d, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, d)
        self.core = nn.Transformer(d_model=d, nhead=heads, num_encoder_layers=layers, num_decoder_layers=layers,
                                   dim_feedforward=ff, dropout=0.0, batch_first=True,
                                   activation=ACTIVATIONS[a.activation],
                                   norm_first=True)
        if a.init == "default":   # undo nn.Transformer's xavier_uniform_: nn.Linear's / MHA's own defaults
            for m in self.core.modules():
                if isinstance(m, nn.Linear):
                    m.reset_parameters()
                elif isinstance(m, nn.MultiheadAttention):
                    m._reset_parameters()
        self.head = nn.Linear(d, vocab)
        with torch.no_grad():
            self.embed.weight.mul_(a.emb_std)
            self.pos.weight.mul_(a.emb_std)

    def embed_at(self, tokens, offset=0):
        x = self.embed(tokens)
        if self.emb_sqrt_d:
            x = x * math.sqrt(self.d)
        return x + self.pos(torch.arange(offset, offset + tokens.shape[1]))

    def encode(self, src):
        pad = src == PAD
        return self.core.encoder(self.embed_at(src), src_key_padding_mask=pad), pad

    def decode(self, tin, memory, pad):
        t = tin.shape[1]
        causal = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        y = self.core.decoder(self.embed_at(tin), memory, tgt_mask=causal, memory_key_padding_mask=pad)
        return self.head(y)

    def forward(self, src, tin):
        memory, pad = self.encode(src)
        return self.decode(tin, memory, pad)


@torch.no_grad()
def greedy(model, task, sources, max_steps):
    """Batched greedy decoding; each output stops at its first EOS (included)."""
    model.eval()
    b, s = len(sources), max(len(x) for x in sources)
    src = torch.zeros(b, s, dtype=torch.long)
    for i, x in enumerate(sources):
        src[i, :len(x)] = torch.tensor(x)
    memory, pad = model.encode(src)
    tin = torch.full((b, 1), BOS, dtype=torch.long)
    done = torch.zeros(b, dtype=torch.bool)
    for _ in range(max_steps):
        nxt = model.decode(tin, memory, pad)[:, -1].argmax(-1)
        tin = torch.cat([tin, nxt[:, None]], 1)
        done |= nxt == EOS
        if bool(done.all()):
            break
    model.train()
    outs = []
    for row in tin[:, 1:].tolist():
        outs.append(row[:row.index(EOS) + 1] if EOS in row else row)
    return outs


def accuracy(model, task, sources, max_steps):
    got = greedy(model, task, sources, max_steps)
    exact, right, total = 0, 0, 0
    for x, g in zip(sources, got):
        want = task.target(x) + [EOS]
        exact += g == want
        right += sum(1 for j in range(len(want)) if j < len(g) and g[j] == want[j])
        total += len(want)
    return exact / len(sources), right / total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", default="copy", choices=["copy", "reverse", "sort"])
    ap.add_argument("--vocab", type=int, default=10)
    ap.add_argument("--min-len", type=int, default=1)
    ap.add_argument("--max-len", type=int, default=10)
    ap.add_argument("--steps", type=int, default=400, help="at most")
    ap.add_argument("--stop-at", type=float, default=0.99, help="stop once held-out exact match reaches this")
    ap.add_argument("--eval-every", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--ff", type=int, default=256, help="dim_feedforward")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01, help="AdamW's, on every parameter")
    ap.add_argument("--clip", type=float, default=0.0, help="global-norm gradient clip; 0 = none")
    ap.add_argument("--warmup", type=int, default=0, help="linear warmup steps (lr·(step+1)/warmup)")
    ap.add_argument("--activation", default="gelu", choices=["relu", "gelu"], help="gelu: F.gelu(approximate='tanh'), minitape's")
    ap.add_argument("--init", default="xavier", choices=["xavier", "default"],
                    help="xavier: nn.Transformer's re-init; default: nn.Linear's own")
    ap.add_argument("--emb-std", type=float, default=1.0, help="scale N(0,1) token and position embeddings")
    ap.add_argument("--emb-sqrt-d", action="store_true", help="multiply token embeddings by sqrt(d)")
    ap.add_argument("--held-out", type=int, default=500)
    ap.add_argument("--generalize-to", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    task = CopyTask(a.task, a.vocab, a.min_len, a.max_len, a.held_out, a.seed)
    vocab = SPECIALS + a.vocab
    longest = max(a.max_len, a.generalize_to)
    model = Seq2Seq(vocab, a.d_model, a.n_head, a.n_layer, a.ff, longest + 2, a)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    rng = Rng(a.seed)
    n_params = sum(p.numel() for p in model.parameters())
    if not a.quiet:
        print(f"task: {a.task}, {a.vocab} symbols, lengths {a.min_len}..{a.max_len}; model: {n_params:,} parameters")

    startup_s = seconds_since_launch()
    train_s = eval_s = 0.0
    reached, reached_s, em, tok = -1, float("nan"), 0.0, 0.0
    step = 0
    for step in range(1, a.steps + 1):
        t0 = time.perf_counter()
        # schedule
        lr = a.lr * min(1.0, step / a.warmup) if a.warmup > 0 else a.lr
        for g in opt.param_groups:
            g["lr"] = lr
        # batch, forward, backward, clip, step
        src, tin, tout = task.train_batch(a.batch_size, rng)
        logits = model(src, tin)
        loss = F.cross_entropy(logits.reshape(-1, vocab), tout.reshape(-1), ignore_index=PAD)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if a.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        train_s += time.perf_counter() - t0
        # evaluate (not training time)
        if step % a.eval_every == 0 or step == a.steps:
            t1 = time.perf_counter()
            em, tok = accuracy(model, task, task.held_out, a.max_len + 2)
            eval_s += time.perf_counter() - t1
            if not a.quiet:
                print(f"step {step:4d}  loss {loss.item():.4f}  held-out exact match {em:.3f}  token accuracy {tok:.3f}"
                      f"  (train {train_s:.2f} s, eval {eval_s:.2f} s)", flush=True)
            if reached < 0 and em >= 0.99:
                reached, reached_s = step, train_s
            if em >= a.stop_at:
                break
    gen = gen_tok = float("nan")
    if a.generalize_to > a.max_len:
        longer = CopyTask(a.task, a.vocab, a.max_len + 1, a.generalize_to, a.held_out, a.seed + 1)
        gen, gen_tok = accuracy(model, longer, longer.held_out, a.generalize_to + 2)
        print(f"length generalization ({a.max_len + 1}..{a.generalize_to}, never trained on): exact match {gen:.4f},"
              f" token accuracy {gen_tok:.4f}")
    print(f"RESULT side=pytorch task={a.task} seed={a.seed} startup_s={startup_s:.2f} steps99={reached} train_s99={reached_s:.3f}"
          f" steps={step} train_s={train_s:.3f} eval_s={eval_s:.3f} exact_match={em:.4f} token_accuracy={tok:.4f}"
          f" ms_per_step={1000 * train_s / step:.1f} generalize={gen:.4f} generalize_tok={gen_tok:.4f}")


def seconds_since_launch():
    """Seconds since this process started (interpreter start and `import torch` included), from /proc as
    Java's ProcessHandle.Info.startInstant reads it: field 22 of /proc/self/stat in clock ticks since boot."""
    with open("/proc/self/stat") as f:
        started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - started


if __name__ == "__main__":
    main()

"""minitape's GPT in PyTorch 1.13, with the same parameter names, so a minitape checkpoint loads with
load_state_dict and a PyTorch run trains exactly minitape's recipe.

What each piece mirrors (file paths are minitape's):
    Gpt                   lm/.../model/Gpt.java: wte + wpe, pre-LN blocks, ln_f, logits = ln_f(x)·wteᵀ (no head
                          parameter: the output layer is the token embedding itself); GPT-2 init
    Block                 nn/.../TransformerBlock.java: x + attn(ln1(x)), then x + mlp(ln2(x))
    CausalSelfAttention   nn/.../MultiHeadAttention.java: qkv Linear (3C, C) with rows [q; k; v], heads split by
                          view(B, T, H, hd).transpose(1, 2), scores·(1/√hd), masked scores −1e9, softmax, proj
    Mlp                   nn/.../Mlp.java: fc (4C), GELU (tanh form), proj
    warmup_cosine         nn/.../optim/LrSchedule.java WarmupCosine
    decay_groups          nn/.../optim/ParamGroup.java decayAndNoDecay(named, wd) as the Trainer calls it:
                          rank >= 2 decayed (the embedding tables too), rank <= 1 not
    Rng, batch            core/.../Rng.java (SplitMix64, nextInt by rejection) and lm/.../data/TextDataset.java,
                          so a PyTorch run can draw exactly minitape's batches
    char_tokens           lm/.../tokenizer/CharTokenizer.java: sorted distinct code points, id = rank
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

MASKED = -1e9  # MultiHeadAttention.MASKED


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        assert n_embd % n_head == 0, f"width {n_embd} is not divisible by {n_head} heads"
        self.n_head = n_head
        self.qkv = nn.Linear(n_embd, 3 * n_embd)
        self.proj = nn.Linear(n_embd, n_embd)

    def forward(self, x):
        b, t, c = x.shape
        hd = c // self.n_head
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.n_head, hd).transpose(1, 2)          # (B, H, T, hd)
        k = k.view(b, t, self.n_head, hd).transpose(1, 2)
        v = v.view(b, t, self.n_head, hd).transpose(1, 2)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))  # (B, H, T, T)
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        scores = scores.masked_fill(mask, MASKED)
        y = scores.softmax(dim=-1) @ v                              # (B, H, T, hd)
        return self.proj(y.transpose(1, 2).reshape(b, t, c))


class Mlp(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.fc = nn.Linear(n_embd, 4 * n_embd)
        self.proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln1 = nn.LayerNorm(n_embd, eps=1e-5)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln2 = nn.LayerNorm(n_embd, eps=1e-5)
        self.mlp = Mlp(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Gpt(nn.Module):
    """Parameter names equal minitape's (wte.weight, blocks.0.attn.qkv.weight, ..., ln_f.bias)."""

    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd):
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd, eps=1e-5)
        self.init_gpt2(n_layer)

    @classmethod
    def from_spec(cls, spec):
        """From config.json's "model" object (minitape's ModelSpec)."""
        if spec.get("kind", "gpt") != "gpt":
            raise ValueError(f"only GPT checkpoints map to this module, got model kind '{spec.get('kind')}'")
        if spec.get("dropout", 0):
            print(f"note: the checkpoint trained with dropout {spec['dropout']}; this module has none")
        return cls(spec["vocabSize"], spec["blockSize"], spec["nLayer"], spec["nHead"], spec["nEmbd"])

    def init_gpt2(self, n_layer):
        """GPT-2's init as Gpt.initGpt2: N(0, 0.02) weights, residual projections (attn.proj, mlp.proj)
        N(0, 0.02/√(2·layers)), biases 0, LayerNorms 1 and 0 (torch's default)."""
        residual_std = 0.02 / math.sqrt(2 * n_layer)
        for name, p in self.named_parameters():
            if name.startswith("ln") or ".ln" in name:
                continue
            if name.endswith(".bias"):
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, 0.0, residual_std if name.endswith("proj.weight") else 0.02)

    def forward(self, idx, targets=None):
        b, t = idx.shape
        if t > self.block_size:
            raise ValueError(f"GPT: {t} positions exceed the block size {self.block_size}")
        pos = torch.arange(t, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.blocks:
            x = block(x)
        logits = F.linear(self.ln_f(x), self.wte.weight)            # head tied to wte
        if targets is None:
            return logits
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))


# ---- the training recipe's pieces, as minitape computes them ---------------------------------------------

def warmup_cosine(step, max_lr, min_lr, warmup, total):
    """LrSchedule.WarmupCosine.lr (0-based step; warmup counted from 1)."""
    if step < warmup:
        return max_lr * (step + 1) / warmup
    if step > total:
        return min_lr
    ratio = (step - warmup) / (total - warmup)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (max_lr - min_lr)


def decay_groups(model, weight_decay):
    """ParamGroup.decayAndNoDecay(named, wd) as the Trainer uses it (decayEmbeddings = true): every
    parameter of rank >= 2 (Linear weights and the wte/wpe tables) decays, biases and LayerNorms do not."""
    decay = [p for _, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for _, p in model.named_parameters() if p.dim() < 2]
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


MASK64 = (1 << 64) - 1
INT_MAX = (1 << 31) - 1


class Rng:
    """core/.../Rng.java: SplitMix64 on one 64-bit state; nextInt by rejection on 31 bits."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_int(self, bound):
        limit = INT_MAX - ((INT_MAX + 1) % bound)
        while True:
            r = self.next_long() >> 33
            if r <= limit:
                return r % bound


def batch(tokens, batch_size, block_size, rng):
    """TextDataset.sample: batch_size windows of block_size + 1 tokens at rng.nextInt(len - block_size)."""
    starts = len(tokens) - block_size
    at = [rng.next_int(starts) for _ in range(batch_size)]
    x = torch.stack([tokens[i:i + block_size] for i in at])
    y = torch.stack([tokens[i + 1:i + 1 + block_size] for i in at])
    return x, y


def char_tokens(text):
    """CharTokenizer.fit + encode: (the vocabulary as code points, the ids as a LongTensor)."""
    vocab = sorted(set(text))
    index = {ch: i for i, ch in enumerate(vocab)}
    return [ord(ch) for ch in vocab], torch.tensor([index[ch] for ch in text], dtype=torch.long)


def split_90_10(tokens):
    """TextDataset: the first 90% (cut = (int)(n·0.9)) train, the rest validation."""
    cut = int(len(tokens) * 0.9)
    return tokens[:cut], tokens[cut:]

#!/usr/bin/env python3
"""The GPT training step (forward, cross-entropy, backward, AdamW) in PyTorch 1.13, the peer of minitape's
bench/src/main/java/dev/minitape/bench/GptStepTiming.java, printing the same one-line format:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/pytorch/gpt_step.py --config M --threads 2
    -> pytorch config=M threads=2 tokens_per_step=2048 median_ms=... tokens_per_s=... peak_rss_mb=... ...

Same model (gpt.py mirrors minitape's Gpt), same sizes, AdamW with betas (0.9, 0.99), weight decay 0.1 on rank >= 2
parameters, uniform random tokens, `zero_grad(set_to_none=True)` as nanoGPT does. Warm-up: at least --warmup
steps and 3 s. alloc_mb_per_step is not measured on this side (printed as nan). peak_rss_mb is ru_maxrss.
Sampling: nanoGPT's generate, greedy, batch 1, one token at a time after a one-token prompt; gpt.py has no
key/value cache, so each token re-runs the whole context (as nanoGPT does).
"""
import argparse
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt  # noqa: E402

CONFIGS = {  # layers, heads, channels, block, batch, vocabulary
    "S": (2, 4, 64, 64, 32, 65),
    "M": (4, 4, 128, 128, 16, 65),
    "L": (6, 6, 384, 256, 8, 65),
    "GPT2": (12, 12, 768, 64, 4, 50257),   # GPT-2 small's shape, a short block
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=CONFIGS, default="M")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--sample", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    n_layer, n_head, n_embd, t, b, vocab = CONFIGS[args.config]
    model = gpt.Gpt(vocab, t, n_layer, n_head, n_embd)
    model.train()
    opt = torch.optim.AdamW(gpt.decay_groups(model, 0.1), lr=1e-3, betas=(0.9, 0.99))
    gen = torch.Generator().manual_seed(7)

    def step():
        x = torch.randint(vocab, (b, t + 1), generator=gen)
        opt.zero_grad(set_to_none=True)
        _, loss = model(x[:, :-1], x[:, 1:])
        loss.backward()
        opt.step()
        return loss.item()

    warm_end = time.perf_counter() + 3
    i = 0
    while i < args.warmup or time.perf_counter() < warm_end:
        loss = step()
        i += 1
    ms = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        loss = step()
        ms.append((time.perf_counter() - t0) * 1e3)
    sample_rate = sample_tokens_per_s(model, min(args.sample, t - 1)) if args.sample > 0 else 0
    median = statistics.median(ms)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch config={args.config} threads={args.threads} tokens_per_step={b * t} median_ms={median:.2f} "
          f"min_ms={min(ms):.2f} max_ms={max(ms):.2f} tokens_per_s={b * t / (median / 1e3):.0f} "
          f"alloc_mb_per_step=nan peak_rss_mb={rss:.0f} sample_tokens_per_s={sample_rate:.0f} loss={loss:.4f}")


@torch.no_grad()
def sample_tokens_per_s(model, count):
    model.eval()

    def generate():
        idx = torch.zeros((1, 1), dtype=torch.long)
        for _ in range(count):
            logits = model(idx[:, -model.block_size:])
            idx = torch.cat((idx, logits[:, -1, :].argmax(dim=-1, keepdim=True)), dim=1)

    generate()
    t0 = time.perf_counter()
    generate()
    return count / (time.perf_counter() - t0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Trains minitape's GPT recipe in PyTorch 1.13 (float32, CPU), the reference side of bench/gpt-vs-pytorch.sh.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/pytorch/train_gpt.py --data FILE \\
        --n-layer 4 --n-head 4 --n-embd 128 --block-size 64 --batch-size 12 --steps 2000 --lr 1e-3 \\
        --min-lr 1e-4 --warmup 100 --weight-decay 0.1 --eval-every 250 --threads 1 --out DIR

The recipe is minitape's Trainer, piece for piece (bench/pytorch/gpt.py says where each comes from): char
tokens split 90/10, AdamW betas (0.9, 0.99) eps 1e-8, weight decay on rank >= 2 parameters (embeddings too),
linear warmup then cosine to --min-lr, global-norm clip 1.0, no dropout, GPT-2 init. With --batches minitape
(the default) the training windows and the 20 fixed validation batches are drawn with minitape's SplitMix64
from the same seeds (Rng(seed), Rng(seed ^ 0x7A11DA7A)), so both frameworks see the same data in the same
order; --batches torch draws them with torch.randint instead.

DIR gets metrics.csv (minitape's header: step,train_loss,val_loss,lr,tokens_per_sec), summary.json (final
validation loss, wall times) and model.pt (the state_dict: same names as minitape's model.safetensors).

Continuing a minitape run: --init-from CKPT starts from a minitape checkpoint's weights (a run folder or its
checkpoint/ or best/); --resume CKPT also takes its AdamW moments, its step, its batch generator's state and
its recipe (config.json's "train"; --steps may raise the total). Launched with torchrun, the run is
data-parallel (DistributedDataParallel, gloo): rank r draws its own batches, rank 0 evaluates and writes DIR.
"""
import argparse
import csv
import json
import math
import os
import sys
import time

START = time.time()

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import gpt  # noqa: E402

VAL_SEED_XOR = 0x7A11DA7A  # Trainer: new Rng(config.seed() ^ 0x7A11DA7AL)


def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="UTF-8 text file (char tokens)")
    # The recipe's numeric options and their defaults; each becomes --name-with-dashes.
    recipe = dict(n_layer=4, n_head=4, n_embd=128, block_size=64, batch_size=12, steps=2000, lr=1e-3, min_lr=1e-4,
                  warmup=100, weight_decay=0.1, beta1=0.9, beta2=0.99, grad_clip=1.0, eval_every=250, eval_batches=20)
    for name, default in recipe.items():
        ap.add_argument("--" + name.replace("_", "-"), type=type(default), default=default)
    ap.add_argument("--seed", type=int, default=1337, help="batches (and, unless --init-seed, the init)")
    ap.add_argument("--init-seed", type=int, default=None, help="torch.manual_seed for the init (default --seed)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (intra-op threads)")
    ap.add_argument("--batches", choices=["minitape", "torch"], default="minitape")
    ap.add_argument("--foreach", action="store_true", help="AdamW's multi-tensor (foreach) implementation")
    ap.add_argument("--init-from", metavar="CKPT", help="start from a minitape checkpoint's weights")
    ap.add_argument("--resume", metavar="CKPT", help="continue a minitape run: weights, AdamW state, step, recipe")
    ap.add_argument("--out", required=True, help="run folder")
    ap.add_argument("--log-every", type=int, default=50)
    return ap.parse_args(argv)


def main(argv):
    args = parse(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        torch.distributed.init_process_group("gloo")
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed if args.init_seed is None else args.init_seed)

    # The recipe (from the minitape checkpoint when resuming)
    resume_state = None
    init = args.resume or args.init_from
    if init:
        from minitape_to_pytorch import load, load_optimizer_state
        model, config, vocab = load(init)
        if args.resume:
            t = config["train"]
            steps = max(args.steps, t["steps"]) if "--steps" in argv else t["steps"]
            args.batch_size, args.block_size, args.lr, args.min_lr = t["batchSize"], t["blockSize"], t["lr"], t["minLr"]
            args.warmup, args.weight_decay, args.beta1, args.beta2 = t["warmup"], t["weightDecay"], t["beta1"], t["beta2"]
            args.grad_clip, args.eval_every, args.eval_batches, args.seed = t["gradClip"], t["evalEvery"], t["evalBatches"], t["seed"]
            args.steps = steps
    else:
        model, vocab = None, None

    # The text and the tokens (CharTokenizer; with a checkpoint, its vocabulary)
    with open(args.data, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    if vocab is None:
        vocab, tokens = gpt.char_tokens(text)
    else:
        index = {cp: i for i, cp in enumerate(vocab)}
        tokens = torch.tensor([index[ord(ch)] for ch in text], dtype=torch.long)
    train, val = gpt.split_90_10(tokens)
    b, t = args.batch_size, args.block_size

    # The model and the optimizer
    if model is None:
        model = gpt.Gpt(len(vocab), t, args.n_layer, args.n_head, args.n_embd)
    opt = torch.optim.AdamW(gpt.decay_groups(model, args.weight_decay), lr=args.lr, betas=(args.beta1, args.beta2),
                            eps=1e-8, foreach=args.foreach)
    step = 0
    batch_rng = gpt.Rng(args.seed if rank == 0 else args.seed + 0x632BE59BD9B4E019 * rank)
    if args.resume:
        from minitape_to_pytorch import trainer_state
        load_optimizer_state(opt, model, args.resume)
        resume_state = trainer_state(args.resume)
        step = resume_state["step"]
        if rank == 0:
            batch_rng.state = resume_state["batchRngState"] & gpt.MASK64
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model

    val_rng = gpt.Rng(args.seed ^ VAL_SEED_XOR)
    if args.batches == "minitape":
        validation = [gpt.batch(val, b, t, val_rng) for _ in range(args.eval_batches)]
        next_batch = lambda: gpt.batch(train, b, t, batch_rng)  # noqa: E731
    else:
        g = torch.Generator().manual_seed(args.seed + 1000 * rank)
        def draw(source, gen):
            at = torch.randint(len(source) - t, (b,), generator=gen)
            return torch.stack([source[i:i + t] for i in at]), torch.stack([source[i + 1:i + 1 + t] for i in at])
        gv = torch.Generator().manual_seed(args.seed ^ VAL_SEED_XOR)
        validation = [draw(val, gv) for _ in range(args.eval_batches)]
        next_batch = lambda: draw(train, g)  # noqa: E731

    def evaluate():
        model.eval()
        with torch.no_grad():
            total = sum(F.cross_entropy(model(x).view(-1, len(vocab)), y.view(-1)).item() for x, y in validation)
        model.train()
        return total / len(validation)

    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        n = sum(p.numel() for p in model.parameters())
        print(f"data: {args.data} ({len(raw):,} bytes, {len(text):,} chars, vocabulary {len(vocab)}); "
              f"{len(train):,} training tokens, {len(val):,} validation tokens", flush=True)
        print(f"model: gpt, {n:,} parameters; torch {torch.__version__}, {torch.get_num_threads()} threads, "
              f"world {world}, batches {args.batches}, from step {step}", flush=True)
        out = open(os.path.join(args.out, "metrics.csv"), "w", newline="")
        metrics = csv.writer(out)
        metrics.writerow(["step", "train_loss", "val_loss", "lr", "tokens_per_sec"])

    # The loop: schedule, batch, forward and backward, clip, step, log, evaluate (as minitape's Trainer)
    model.train()
    loop_started = time.time()
    step_seconds = eval_seconds = 0.0
    loss = val_loss = float("nan")
    while step < args.steps:
        started = time.time()
        lr = gpt.warmup_cosine(step, args.lr, args.min_lr, args.warmup, args.steps)
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = next_batch()
        opt.zero_grad(set_to_none=True)
        _, l = net(x, y)
        l.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
        opt.step()
        loss = l.item()
        if not math.isfinite(loss):
            raise SystemExit(f"the loss became {loss} at step {step + 1}")
        step += 1
        took = time.time() - started
        step_seconds += took
        if rank != 0:
            continue
        evaluate_now = step % args.eval_every == 0 or step == args.steps
        val_loss = float("nan")
        if evaluate_now:
            e0 = time.time()
            val_loss = evaluate()
            eval_seconds += time.time() - e0
        metrics.writerow([step, f"{loss:.6f}", "" if math.isnan(val_loss) else f"{val_loss:.6f}", f"{lr:.6g}",
                          f"{b * t * world / took:.1f}"])
        if evaluate_now or step % args.log_every == 0:
            print(f"step {step}: loss {loss:.4f}" + (f"  val {val_loss:.4f}" if evaluate_now else "")
                  + f"  lr {lr:.3g}  {time.time() - loop_started:.1f} s", flush=True)
    loop_seconds = time.time() - loop_started

    if rank == 0:
        out.close()
        torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
        summary = {"steps": step, "train_loss": loss, "val_loss": val_loss, "loop_seconds": loop_seconds,
                   "step_seconds": step_seconds, "eval_seconds": eval_seconds,
                   "process_seconds": time.time() - START, "threads": torch.get_num_threads(), "world": world,
                   "torch": torch.__version__, "batches": args.batches, "foreach": args.foreach,
                   "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY",
                                                      "MALLOC_MMAP_MAX_") if k in os.environ}}
        with open(os.path.join(args.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
        print(f"validation loss: {val_loss:.4f} nats/char; {step} steps in {loop_seconds:.1f} s "
              f"(steps {step_seconds:.1f} s, evaluation {eval_seconds:.1f} s); process {summary['process_seconds']:.1f} s",
              flush=True)
    if world > 1:
        torch.distributed.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

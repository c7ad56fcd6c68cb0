#!/usr/bin/env python3
"""Loads a minitape GPT checkpoint into an equivalent torch.nn.Module (bench/pytorch/gpt.py's Gpt), so
training can continue in PyTorch.

    /usr/bin/python3 scripts/minitape_to_pytorch.py CKPT
        CKPT is a checkpoint folder (a run's checkpoint/ or best/, holding config.json, model.safetensors and
        tokenizer.json) or a run folder (its checkpoint/ is used). Prints the model, the step and the files.
    /usr/bin/python3 scripts/minitape_to_pytorch.py CKPT --check LOGITS.json [--tol 1e-4]
        Runs the PyTorch module on the tokens in LOGITS.json (written by minitape: bench's DumpLogits) and
        compares with minitape's logits there; prints max |Δlogit| and exits 1 if it exceeds --tol.
    /usr/bin/python3 scripts/minitape_to_pytorch.py CKPT --save OUT.pt
        Writes {"model": state_dict, "config": config.json's contents, "code_points": the char vocabulary}
        with torch.save, for code that does not want to import this script.

From Python (with scripts/ and bench/pytorch/ on sys.path):

    from minitape_to_pytorch import load, load_optimizer_state
    model, config, vocab = load("runs/latest/checkpoint")        # a gpt.Gpt with minitape's weights
    opt = torch.optim.AdamW(gpt.decay_groups(model, 0.1), lr=1e-3, betas=(0.9, 0.99))
    step = load_optimizer_state(opt, model, "runs/latest/checkpoint")   # AdamW moments and step counts

Tied weights: minitape's ModuleIo stores a parameter that appears under two names once, under its first
name, and records the other as metadata "minitape.tied.<alias>": "<first>". Aliases are resolved here; an
alias the PyTorch module does not have as a parameter of its own (GPT's output head, which is wte itself in
both frameworks) is checked to point at wte.weight and dropped.
"""
import argparse
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "bench", "pytorch"))
import gpt  # noqa: E402  (bench/pytorch/gpt.py)
from safetensors_interop import TIED_PREFIX, read  # noqa: E402

HEAD_ALIASES = {"head.weight", "lm_head.weight"}


def checkpoint_dir(path):
    """A checkpoint folder, given it or a run folder that holds checkpoint/."""
    if os.path.exists(os.path.join(path, "config.json")):
        return path
    for slot in ("checkpoint", "checkpoint.new", "checkpoint.old"):
        candidate = os.path.join(path, slot)
        if os.path.exists(os.path.join(candidate, "COMPLETE")):
            return candidate
    raise FileNotFoundError(f"{path}: neither a checkpoint folder (config.json, model.safetensors) nor a run folder "
                            f"with a complete checkpoint/ inside")


def load(path):
    """(gpt.Gpt with the checkpoint's weights, config.json as a dict, the char vocabulary's code points or None)."""
    folder = checkpoint_dir(path)
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    model = gpt.Gpt.from_spec(config["model"])
    metadata, tensors = read(os.path.join(folder, "model.safetensors"))
    for key, first in metadata.items():
        if not key.startswith(TIED_PREFIX):
            continue
        alias = key[len(TIED_PREFIX):]
        if first not in tensors:
            raise ValueError(f"{folder}: tied name {alias} points at {first}, which the file does not hold")
        tensors[alias] = tensors[first]
    own = model.state_dict()
    for alias in [k for k in tensors if k not in own]:
        if alias in HEAD_ALIASES and metadata.get(TIED_PREFIX + alias) == "wte.weight":
            del tensors[alias]                       # the module's head is wte already
    missing = sorted(set(own) - set(tensors))
    unexpected = sorted(set(tensors) - set(own))
    if missing or unexpected:
        raise ValueError(f"{folder}: model.safetensors does not match the GPT of config.json: "
                         f"missing {missing}, unexpected {unexpected}")
    for name, t in tensors.items():
        if tuple(t.shape) != tuple(own[name].shape):
            raise ValueError(f"{folder}: {name} has shape {list(t.shape)}, the module expects {list(own[name].shape)}")
    model.load_state_dict({k: t.to(torch.float32) for k, t in tensors.items()})
    vocab = None
    tok_file = os.path.join(folder, "tokenizer.json")
    if os.path.exists(tok_file):
        with open(tok_file) as f:
            tok = json.load(f)
        if tok.get("type") == "char":
            vocab = tok["codePoints"]
    return model, config, vocab


def load_optimizer_state(optimizer, model, path):
    """Fills a torch.optim.AdamW over model's parameters with minitape's moments (optimizer.safetensors:
    "<name>.exp_avg", "<name>.exp_avg_sq", metadata "<name>.step"); returns the trainer's step (state.json).
    PyTorch 1.13 keeps the step as a float tensor per parameter, as minitape keeps an int per parameter."""
    folder = checkpoint_dir(path)
    metadata, tensors = read(os.path.join(folder, "optimizer.safetensors"))
    if metadata.get("optimizer") not in ("AdamW", "Adam"):
        raise ValueError(f"{folder}: optimizer {metadata.get('optimizer')} is not Adam or AdamW")
    for name, p in model.named_parameters():
        if name + ".exp_avg" not in tensors:
            continue                                   # never stepped: PyTorch starts it lazily too
        state = optimizer.state[p]
        state["step"] = torch.tensor(float(metadata[name + ".step"]))
        state["exp_avg"] = tensors[name + ".exp_avg"].to(torch.float32).reshape(p.shape).clone()
        state["exp_avg_sq"] = tensors[name + ".exp_avg_sq"].to(torch.float32).reshape(p.shape).clone()
    return trainer_state(folder)["step"]


def trainer_state(path):
    """state.json: {"step", "batchRngState", "dropoutRngState", "bestValLoss"} (the Rng states are Java longs)."""
    with open(os.path.join(checkpoint_dir(path), "state.json")) as f:
        return json.load(f)


def check(model, logits_file, tol):
    with open(logits_file) as f:
        dump = json.load(f)
    tokens = torch.tensor([dump["tokens"]], dtype=torch.long)
    expected = torch.tensor(dump["logits"], dtype=torch.float32)
    model.eval()
    with torch.no_grad():
        got = model(tokens)[0]
    diff = (got - expected).abs()
    worst = diff.max().item()
    at = divmod(int(diff.argmax()), expected.shape[1])
    scale = expected.abs().max().item()
    print(f"logits ({expected.shape[0]}, {expected.shape[1]}): max |Δlogit| = {worst:.3g} at (t={at[0]}, v={at[1]}), "
          f"mean {diff.mean().item():.3g}; logits span ±{scale:.3g}; argmax agrees at "
          f"{int((got.argmax(1) == expected.argmax(1)).sum())}/{expected.shape[0]} positions")
    ok = math.isfinite(worst) and worst <= tol
    print(("OK" if ok else "MISMATCH") + f": tolerance {tol:g}")
    return ok


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", help="a checkpoint folder (checkpoint/ or best/) or a run folder")
    ap.add_argument("--check", metavar="LOGITS_FILE", help="compare with logits minitape wrote (DumpLogits)")
    ap.add_argument("--tol", type=float, default=1e-4, help="largest |Δlogit| accepted by --check (default 1e-4)")
    ap.add_argument("--save", metavar="OUT_PT", help="torch.save the state_dict, config and vocabulary")
    args = ap.parse_args(argv)
    model, config, vocab = load(args.checkpoint)
    spec = config["model"]
    n = sum(p.numel() for p in model.parameters())
    print(f"loaded {checkpoint_dir(args.checkpoint)}: GPT {spec['nLayer']} layers, {spec['nHead']} heads, "
          f"{spec['nEmbd']} channels, block {spec['blockSize']}, vocabulary {spec['vocabSize']}; {n:,} parameters")
    if args.save:
        torch.save({"model": model.state_dict(), "config": config, "code_points": vocab}, args.save)
        print(f"wrote {args.save}")
    if args.check:
        return 0 if check(model, args.check, args.tol) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

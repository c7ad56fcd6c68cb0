"""F.cross_entropy forward + backward at (N, V) in float32: PyTorch 1.13's side of
dev.minitape.bench.CrossEntropyTiming (same shapes, normal logits, uniform targets, mean reduction).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 \
        /usr/bin/python3 bench/pytorch/crossentropy.py --n 4096 --v 32768 --threads 2 --warmup 5 --repeat 15 [--sigma 1]
    -> pytorch v=32768 n=4096 threads=2 sigma=1.0 repeat=15 median_ms=... min_ms=... max_ms=... loss=...

Each step sets logits.grad = None first, so backward hands its fresh gradient to .grad without an extra
accumulation pass (PyTorch's cheapest form of the step). With MALLOC_MMAP_MAX_=0 and a large
MALLOC_TRIM_THRESHOLD_, glibc keeps freed N×V buffers on its heap, so after warm-up no step pays for page
faults (a warm heap, like the JVM's); intra-op threads come from torch.set_num_threads.
main_thread_cpu_median_ms is the CPU time of the calling thread (all of the work with one thread).
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=4096)
    ap.add_argument("--v", type=int, default=32768)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--sigma", type=float, default=1.0, help="standard deviation of the logits")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(42)
    logits = (args.sigma * torch.randn(args.n, args.v, generator=gen)).requires_grad_(True)
    targets = torch.randint(0, args.v, (args.n,), generator=gen)

    def step():
        logits.grad = None
        loss = F.cross_entropy(logits, targets)
        loss.backward()
        return loss.item()

    warm_end = time.perf_counter() + 3.0  # as CrossEntropyTiming: at least `warmup` steps and 3 s
    i = 0
    while i < args.warmup or time.perf_counter() < warm_end:
        loss = step()
        i += 1
    ms, cpu_ms = [], []
    for _ in range(args.repeat):
        c0, t0 = time.thread_time(), time.perf_counter()
        loss = step()
        ms.append((time.perf_counter() - t0) * 1e3)
        cpu_ms.append((time.thread_time() - c0) * 1e3)
    print(f"pytorch v={args.v} n={args.n} threads={args.threads} sigma={args.sigma} repeat={args.repeat} "
          f"median_ms={statistics.median(ms):.3f} min_ms={min(ms):.3f} max_ms={max(ms):.3f} "
          f"main_thread_cpu_median_ms={statistics.median(cpu_ms):.3f} loss={loss:.6f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reads and writes safetensors files with PyTorch alone (no `safetensors` package), to check minitape's
dev.minitape.nn.io against an independent implementation.

    /usr/bin/python3 scripts/safetensors_interop.py read FILE
        Loads FILE (e.g. written by minitape's SafeTensors.write / ModuleIo.save) into torch tensors and
        prints the metadata, then one line per tensor: name, dtype, shape, sum (float64) and the first values,
        then the tied names minitape's ModuleIo.save recorded ("minitape.tied.NAME": "SHARED") as NAME = SHARED.
    /usr/bin/python3 scripts/safetensors_interop.py write FILE [EXPECTED_JSON]
        Writes FILE from PyTorch tensors made with fixed seeds (F32, F16, BF16, F64, a scalar and an empty
        tensor), ordered like the reference writer (by dtype alignment, then name), and, if given, a JSON file
        with each tensor's dtype, shape and values as float32, which is what minitape must read back.

The fixture nn/src/test/resources/fixtures/safetensors/from_pytorch.safetensors was made with
    /usr/bin/python3 scripts/safetensors_interop.py write \\
        nn/src/test/resources/fixtures/safetensors/from_pytorch.safetensors \\
        nn/src/test/resources/fixtures/safetensors/from_pytorch.expected.json
"""
import json
import struct
import sys

import numpy as np
import torch

# dtype name -> (torch dtype, bytes per element); BF16 has no numpy type, so it goes through int16.
DTYPES = {
    "F64": (torch.float64, 8),
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
}
MAX_HEADER = 100_000_000
TIED_PREFIX = "minitape.tied."  # ModuleIo.TIED_PREFIX


def read(path):
    """The metadata dict and a dict name -> torch tensor, in header order; checks the layout strictly."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: {len(blob)} bytes, too short for the header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER or 8 + n > len(blob):
        raise ValueError(f"{path}: header length {n} does not fit the {len(blob)}-byte file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError(f"{path}: header is not a JSON object")
    buffer = memoryview(blob)[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    spans = sorted((tuple(info["data_offsets"]), name) for name, info in header.items())
    covered = 0
    for (begin, end), name in spans:
        if begin != covered:
            raise ValueError(f"{path}: tensor {name} starts at {begin}, expected {covered} (overlap or hole)")
        covered = end
    if covered != len(buffer):
        raise ValueError(f"{path}: tensors cover {covered} of {len(buffer)} buffer bytes")
    tensors = {}
    for name, info in header.items():
        if set(info) != {"dtype", "shape", "data_offsets"}:
            raise ValueError(f"{path}: tensor {name} has fields {sorted(info)}")
        dtype, size = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        numel = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != numel * size:
            raise ValueError(f"{path}: tensor {name}: {end - begin} bytes for {numel} x {size}")
        raw = np.frombuffer(buffer[begin:end], dtype=np.uint8).copy()
        t = torch.from_numpy(raw).view(dtype) if numel else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
    return metadata, tensors


def write(path, tensors, metadata):
    """Writes like the reference serializer: sorted by dtype alignment (descending), then name; header
    padded with spaces to a multiple of 8."""
    order = {"F64": 0, "F32": 1, "BF16": 2, "F16": 3}
    name_of = {v[0]: k for k, v in DTYPES.items()}
    items = sorted(tensors.items(), key=lambda kv: (order[name_of[kv[1].dtype]], kv[0]))
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in items:
        t = t.contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": name_of[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def fixture_tensors():
    torch.manual_seed(1234)
    return {
        "embed.weight": torch.randn(5, 3),
        "blocks.0.linear.weight": torch.randn(4, 3),
        "blocks.0.linear.bias": torch.randn(4),
        "head.scale": torch.tensor(0.5),                                  # shape [], a scalar
        "empty": torch.zeros(0, 3),                                       # no bytes in the buffer
        "half": (torch.randn(2, 3) * 10).to(torch.float16),
        "bfloat": (torch.randn(3) * 100).to(torch.bfloat16),
        "double": torch.tensor([1.0 / 3.0, -2.5e-8, 123456789.123], dtype=torch.float64),
    }


def main(argv):
    if len(argv) < 2 or argv[0] not in ("read", "write"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "read":
        metadata, tensors = read(argv[1])
        print(f"metadata: {json.dumps(metadata, sort_keys=True)}")
        for name, t in tensors.items():
            flat = t.to(torch.float64).flatten()
            head = ", ".join(f"{v:.6g}" for v in flat[:4].tolist())
            print(f"{name} {str(t.dtype).replace('torch.', '')} {list(t.shape)} sum={flat.sum().item():.9g} [{head}]")
        for key, shared in metadata.items():
            if key.startswith(TIED_PREFIX):
                tensors[key[len(TIED_PREFIX):]] = tensors[shared]             # what load_state_dict would want
                print(f"tied: {key[len(TIED_PREFIX):]} = {shared}")
        return 0
    tensors = fixture_tensors()
    write(argv[1], tensors, {"format": "pt", "source": "scripts/safetensors_interop.py write"})
    if len(argv) > 2:
        expected = {name: {"dtype": {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
                                     torch.bfloat16: "BF16"}[t.dtype],
                           "shape": list(t.shape),
                           "values": [float(v) for v in t.to(torch.float32).flatten().tolist()]}
                    for name, t in tensors.items()}
        with open(argv[2], "w") as f:
            json.dump(expected, f, indent=1)
            f.write("\n")
    _, back = read(argv[1])                                                 # our own reader agrees
    assert all(torch.equal(back[k], v) for k, v in tensors.items())
    print(f"wrote {argv[1]} ({len(tensors)} tensors)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

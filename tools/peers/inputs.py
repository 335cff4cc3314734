"""The arrays every engine is fed, and TensorFlow's outputs they are compared
with, written once per model into the conversion cache so that Frost's CLI
and the Python peers read the same files.

models/<name>/ stores a batch of 4 (models/README.md); the benchmark is about
batch-1 latency, so for that group it feeds the first sample and compares
with the first row of TensorFlow's output (these graphs have a free batch
dimension and batch-independent rows). Other groups are fed as stored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from peers.models import REPO_ROOT, ModelSpec

CACHE_ROOT = REPO_ROOT / "build" / "peers"


def cache_dir(spec: ModelSpec) -> Path:
    """build/peers/<model>-<hash of graph bytes and input shapes>/: a changed
    graph or input gets fresh conversions."""
    h = hashlib.sha1(spec.graph.read_bytes())
    for tensor, path in spec.inputs:
        h.update(tensor.encode() + path.read_bytes())
    return CACHE_ROOT / f"{spec.key}-{h.hexdigest()[:10]}"


def prepare(spec: ModelSpec) -> tuple[ModelSpec, Path]:
    """The spec as benchmarked (inputs/outputs in the cache dir) and that dir."""
    out = cache_dir(spec)
    (out / "io").mkdir(parents=True, exist_ok=True)
    batch_one = spec.name.startswith("models/")
    inputs, outputs = [], []
    for i, (tensor, path) in enumerate(spec.inputs):
        dst = out / "io" / f"input{i}{path.suffix}"
        if path.suffix == ".npy":
            a = np.load(path)
            np.save(dst, np.ascontiguousarray(a[:1] if batch_one else a))
        else:
            dst.write_bytes(path.read_bytes())
        inputs.append((tensor, dst))
    for i, (tensor, path) in enumerate(spec.outputs):
        dst = out / "io" / f"expected{i}.npy"
        a = np.load(path)
        np.save(dst, np.ascontiguousarray(a[:1] if batch_one else a))
        outputs.append((tensor, dst))
    benched = ModelSpec(spec.name, spec.graph, inputs, outputs)
    (out / "spec.json").write_text(json.dumps(benched.to_json(), indent=1))
    return benched, out


def load_feeds(spec: ModelSpec) -> dict[str, np.ndarray]:
    """tensor name -> array (a raw file becomes a bytes scalar)."""
    feeds = {}
    for tensor, path in spec.inputs:
        feeds[tensor] = np.load(path) if path.suffix == ".npy" else np.array(path.read_bytes(), dtype=object)
    return feeds


def max_rel_error(outputs: list[np.ndarray], spec: ModelSpec) -> float:
    """max over outputs of max|out - expected| / max|expected| (TensorFlow's
    expected output). Raises ValueError when a shape does not match."""
    worst = 0.0
    for out, (tensor, path) in zip(outputs, spec.outputs):
        expected = np.load(path)
        out = np.asarray(out)
        if out.shape != expected.shape:
            if out.size != expected.size:
                raise ValueError(f"{tensor}: shape {list(out.shape)}, TensorFlow's {list(expected.shape)}")
            out = out.reshape(expected.shape)
        if expected.dtype.kind not in "fc":
            worst = max(worst, float(np.mean(out != expected)))  # fraction of differing ints/bools
            continue
        scale = float(np.max(np.abs(expected))) if expected.size else 0.0
        diff = float(np.max(np.abs(out.astype(np.float64) - expected))) if expected.size else 0.0
        worst = max(worst, diff / scale if scale > 0 else diff)
    if len(outputs) != len(spec.outputs):
        raise ValueError(f"{len(outputs)} outputs, TensorFlow has {len(spec.outputs)}")
    return worst

"""Frost through its own CLI (built from this repository: build/src/cli/frost),
on the same input files as the peers. Frost has no Python binding, so each
timed batch is one `frost bench` process (load, optimise, plan, warm-up runs,
then the timed runs; its p50 is the batch's median).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from peers.inputs import max_rel_error
from peers.models import ModelSpec


def io_args(spec: ModelSpec) -> list[str]:
    args = []
    for tensor, path in spec.inputs:
        args += ["--input", f"{tensor}={path}"]
    for tensor, _ in spec.outputs:
        args += ["--output", tensor]
    return args


def last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "no output"


def saved_name(tensor: str) -> str:
    """The file `frost run --save` writes for a fetch: TensorId::to_string
    (":0" dropped) made file-safe as src/cli/model_args.cc does."""
    name = tensor[:-2] if tensor.endswith(":0") else tensor
    return re.sub(r"[/:\\ ]", "_", name)


def check(frost: str, spec: ModelSpec, threads: int) -> float:
    """Max error relative to TensorFlow's output; RuntimeError with Frost's
    message when it cannot run the model."""
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([frost, "run", str(spec.graph), *io_args(spec), "--threads", str(threads),
                               "--save", out], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(last_line(proc.stderr))
        return max_rel_error([np.load(Path(out) / f"{saved_name(t)}.npy") for t, _ in spec.outputs], spec)


def bench_command(frost: str, spec: ModelSpec, threads: int, runs: int, warmup: int, profile: bool = False) -> list[str]:
    return [frost, "bench", str(spec.graph), *io_args(spec), "--threads", str(threads), "--runs", str(runs),
            "--warmup", str(warmup)] + (["--profile"] if profile else [])


def bench(frost: str, spec: ModelSpec, threads: int, runs: int, warmup: int) -> tuple[float, int, int]:
    """The p50 latency in ms of one `frost bench` batch, and of its runs
    that could use the worker team, how many the busy-core back-off held to
    one thread and how many there were (0, 0 without such a line)."""
    proc = subprocess.run(bench_command(frost, spec, threads, runs, warmup), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(last_line(proc.stderr))
    m = re.search(r"latency ms: p50 ([0-9.]+)", proc.stdout)
    if not m:
        raise RuntimeError("no latency in: " + last_line(proc.stdout))
    solo = re.search(r"threads: ([0-9]+) of ([0-9]+) runs", proc.stdout)
    return float(m.group(1)), int(solo.group(1)) if solo else 0, int(solo.group(2)) if solo else 0

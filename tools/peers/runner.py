"""Runs the engines on one model: conversions (cached), one worker process
per Python engine and thread count, Frost through its CLI, accuracy once per
cell, then interleaved timed batches (round r visits every cell, in an order
rotated by r, so slow drifts of the machine's load spread over all engines).
A cell's latency is the median of its batches' medians.
"""

from __future__ import annotations

import json
import os
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from peers import frost
from peers.convert import TARGET
from peers.inputs import prepare
from peers.models import ModelSpec

TOOLS = Path(__file__).resolve().parents[1]
ENGINES = ["frost", "tf", "ort", "openvino", "tflite"]
# Conversions each engine needs, in the order they are made (OpenVINO falls
# back to the ONNX form when its TensorFlow frontend declines the .pb).
NEEDS = {"ort": ["onnx"], "openvino": ["onnx", "openvino"], "tflite": ["tflite"]}


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def convert(folder: Path, formats: list[str], timeout: float, reconvert: bool) -> None:
    for fmt in formats:
        target, err = folder / TARGET[fmt], folder / f"{fmt}.error"
        if reconvert:
            for p in (target, err):
                p.unlink(missing_ok=True)
        if target.is_file() or err.is_file():
            continue
        log(f"  converting to {fmt}")
        with open(folder / f"{fmt}.log", "w") as out:
            try:
                proc = subprocess.run([sys.executable, str(TOOLS / "peers" / "convert.py"), fmt, str(folder)],
                                      stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
                if proc.returncode != 0 and not err.is_file():
                    err.write_text(f"the converter exited with status {proc.returncode} (see {fmt}.log)\n")
            except subprocess.TimeoutExpired:
                err.write_text(f"the converter took longer than {timeout:.0f} s\n")


class Worker:
    """One engine × thread count in its own process (tools/peers/worker.py)."""

    def __init__(self, engine: str, folder: Path, threads: int, timeout: float):
        self.timeout = timeout
        self.stderr = open(folder / f"{engine}-{threads}t.log", "w")
        self.proc = subprocess.Popen([sys.executable, str(TOOLS / "peers" / "worker.py"), engine, str(folder),
                                      str(threads)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        self.hello = None  # read after every worker has started: they load side by side

    def read(self) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.close()
            return {"error": "no answer within the time limit" if not ready else
                    f"the worker exited with status {self.proc.wait()} (log: {Path(self.stderr.name).name})"}
        return json.loads(line)

    def ask(self, **cmd) -> dict:
        if self.proc.poll() is not None:
            return {"error": "the worker is gone"}
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


def run_model(spec: ModelSpec, args) -> dict:
    """{"name", "cells": {"engine/threads": {"batches": [ms...], "ms", "err", "detail"} or {"error"}},
    "load": 1-minute load average before and after each round, "conversions": {format: how}}"""
    benched, folder = prepare(spec)
    engines = [e for e in ENGINES if e in args.engines]
    formats = [f for f in ("onnx", "openvino", "tflite") if any(f in NEEDS.get(e, []) for e in engines)]
    convert(folder, formats, args.convert_timeout, args.reconvert)
    keys = [f"{e}/{t}" for t in args.threads for e in engines]
    started = {k: Worker(k.split("/")[0], folder, int(k.split("/")[1]), args.worker_timeout)
               for k in keys if not k.startswith("frost/")}
    cells, workers = {}, {}
    for key in keys:
        engine, threads = key.split("/")[0], int(key.split("/")[1])
        if engine == "frost":
            try:
                cells[key] = {"err": frost.check(args.frost, benched, threads), "detail": "frost CLI"}
            except Exception as e:
                cells[key] = {"error": str(e)}
            continue
        w = started[key]
        w.hello = w.read()
        if "error" in w.hello:
            cells[key] = {"error": w.hello["error"]}
            continue
        checked = w.ask(cmd="check")
        if "error" in checked:
            cells[key] = {"error": "ran but " + checked["error"]}
            w.close()
            continue
        cells[key] = {"err": checked["err"], "detail": w.hello["ready"]}
        workers[key] = w
    live = [k for k in cells if "error" not in cells[k]]
    for key in live:
        cells[key]["batches"] = []
    load = [os.getloadavg()[0]]
    for r in range(args.rounds):
        order = live[r % len(live):] + live[:r % len(live)] if live else []
        for key in order:
            cell = cells[key]
            if "error" in cell:
                continue
            engine, threads = key.split("/")
            if engine == "frost":
                est = statistics.median(cell["batches"]) if cell["batches"] else None
                runs = args.min_runs if est is None else max(args.min_runs, min(args.max_runs, int(args.budget * 1e3 / max(est, 1e-3))))
                try:
                    ms, solo, team_runs = frost.bench(args.frost, benched, int(threads), runs, args.warmup)
                    cell["batches"].append(ms)
                    cell["solo_runs"] = cell.get("solo_runs", 0) + solo
                    cell["team_runs"] = cell.get("team_runs", 0) + team_runs
                except Exception as e:
                    cells[key] = {"error": f"bench failed: {e}"}
            else:
                got = workers[key].ask(cmd="time", warmup=args.warmup, budget=args.budget, min=args.min_runs,
                                       max=args.max_runs)
                if "error" in got:
                    cells[key] = {"error": "timing failed: " + got["error"]}
                else:
                    cell["batches"].append(statistics.median(got["ms"]))
            time.sleep(args.pause)
        load.append(os.getloadavg()[0])
    for w in workers.values():
        w.close()
    for cell in cells.values():
        if cell.get("batches"):
            cell["ms"] = statistics.median(cell["batches"])
    conversions = {f: (folder / f"{f}.how").read_text().strip() for f in formats if (folder / f"{f}.how").is_file()}
    # An all-zero expected output makes the accuracy check weak: the report says so.
    zero = all(not np.any(np.load(p)) for _, p in benched.outputs)
    return {"name": spec.name, "cells": cells, "load": load, "cache": str(folder), "conversions": conversions,
            "expected_all_zero": zero}

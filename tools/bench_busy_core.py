#!/usr/bin/env python3
"""Frost at 1 and 2 threads on a quiet machine and with one core kept busy.

Issue 14 asks that on a machine where another process keeps one core busy,
2 threads are never slower than 1. This script shows both cases: for every
model of tools/peers/models.py (models/, models/large, and the corpus CNNs
with --corpus cnn) it runs `frost bench` batches at 1 and at 2 threads, once
with the machine as it is ("quiet") and once while a busy loop
(`sh -c 'while :; do :; done'`) runs pinned on --busy-cpu. Frost itself is
not pinned (as a user's program would not be) unless --frost-cpu is given.
Every batch is a fresh process, like the peer harness's batches (load,
plan, --warmup runs, then the timed runs; its p50 is the sample), fed the
inputs that harness feeds (tools/peers/inputs.py: models/ at batch 1).

The conditions are interleaved per model and round (their order alternates
between rounds), so that a change of the machine's load hits all of them.
Several Frost binaries (--frost NAME=PATH, repeated) are interleaved the same
way, for before/after comparisons. Do not run it under chrt: a real-time
Frost would simply preempt the busy loop, which is not the case asked about.

Writes a markdown table (--out, default docs/bench/busy_core.md): per model
and binary, the median and min p50 of each condition, and the ratios
2T/1T of the medians (time ratios: above 1, 2 threads are slower).
The tool is for measuring; Frost never needs it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import frost  # noqa: E402
from peers.inputs import prepare  # noqa: E402
from peers.machine import isa  # noqa: E402
from peers.models import REPO_ROOT, find_models  # noqa: E402

CONDITIONS = [("quiet", 1), ("quiet", 2), ("busy", 1), ("busy", 2)]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def realtime_others() -> int:
    """User processes running under a real-time policy (other sessions'
    `chrt` benchmarks): they take a core from every normal process, ours
    too, so a table made meanwhile says so."""
    out = subprocess.run(["ps", "-eo", "ppid,cls", "--no-headers"], capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines()
               if len(line.split()) == 2 and line.split()[0] != "2" and line.split()[1] in ("FF", "RR"))


class BusyLoop:
    """A shell busy loop pinned on one CPU while the `with` block runs."""

    def __init__(self, cpu: int):
        self.cpu = cpu
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(["taskset", "-c", str(self.cpu), "sh", "-c", "while :; do :; done"],
                                     start_new_session=True)  # its own session: another program
        time.sleep(0.05)  # let it start spinning before the batch loads
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()


def bench_p50(cmd: list[str]) -> float:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(frost.last_line(proc.stderr))
    m = re.search(r"latency ms: p50 ([0-9.]+)", proc.stdout)
    if not m:
        raise RuntimeError("no latency in: " + frost.last_line(proc.stdout))
    return float(m.group(1))


def runs_for(ms: float, budget: float, lo: int, hi: int) -> int:
    """Timed runs per batch: about `budget` seconds of them, within [lo, hi]."""
    return max(lo, min(hi, int(budget * 1000 / max(ms, 1e-3))))


def fmt(ms: float) -> str:
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frost", action="append", default=[],
                    help="NAME=PATH of a frost binary (repeat to compare; default build/src/cli/frost)")
    ap.add_argument("--models", nargs="*", default=[], help="substrings of model names (default: all)")
    ap.add_argument("--corpus", choices=["cnn", "other", "all", "none"], default="cnn")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", type=float, default=0.25, help="seconds of timed runs per batch")
    ap.add_argument("--min-runs", type=int, default=5)
    ap.add_argument("--max-runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--busy-cpu", type=int, default=1)
    ap.add_argument("--frost-cpu", type=int, default=None, help="pin frost on this CPU (default: not pinned)")
    ap.add_argument("--out", default=str(REPO_ROOT / "docs" / "bench" / "busy_core.md"))
    args = ap.parse_args()
    # Killed, still stop the busy loop (BusyLoop.__exit__): it runs in its own session.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    binaries = {}
    for item in args.frost or [f"frost={REPO_ROOT / 'build' / 'src' / 'cli' / 'frost'}"]:
        name, _, path = item.partition("=")
        binaries[name] = path or name
    specs = [s for s in find_models(args.corpus) if not args.models or any(k in s.name for k in args.models)]
    if not specs:
        ap.error("no model matches --models")
    # The inputs the peer harness feeds (models/: batch 1), from its cache.
    specs = [prepare(s)[0] for s in specs]
    pin = ["taskset", "-c", str(args.frost_cpu)] if args.frost_cpu is not None else []
    load_start, started = loadavg(), datetime.datetime.now(datetime.timezone.utc)

    # samples[model][binary][(condition, threads)] = [p50 ms, ...]
    samples: dict = {}
    runs: dict = {}
    realtime_seen = 0  # of the per-model samples of realtime_others()
    for r in range(args.rounds):
        for spec in specs:
            per = samples.setdefault(spec.name, {b: {c: [] for c in CONDITIONS} for b in binaries})
            if spec.name not in runs:  # one quiet 1-thread batch sizes the batches
                first = next(iter(binaries.values()))
                runs[spec.name] = runs_for(bench_p50(pin + frost.bench_command(first, spec, 1, 5, 1)),
                                           args.budget, args.min_runs, args.max_runs)
            realtime_seen += realtime_others() > 0
            order = CONDITIONS if r % 2 == 0 else CONDITIONS[::-1]
            names = list(binaries) if r % 2 == 0 else list(binaries)[::-1]
            for kind in dict.fromkeys(c for c, _ in order):
                def batch():
                    for cond, threads in order:
                        if cond != kind:
                            continue
                        for b in names:
                            cmd = pin + frost.bench_command(binaries[b], spec, threads, runs[spec.name], args.warmup)
                            per[b][(cond, threads)].append(bench_p50(cmd))
                if kind == "busy":
                    with BusyLoop(args.busy_cpu):
                        batch()
                else:
                    batch()
            line = "  ".join(f"{b} " + " ".join(f"{c}{t}T={per[b][(c, t)][-1]:.3f}" for c, t in CONDITIONS)
                             for b in names)
            print(f"round {r + 1} {spec.name}: {line}", flush=True)

    load_end = loadavg()
    out = [f"# Frost 1 vs 2 threads, quiet and with one core busy\n",
           f"Made by `tools/bench_busy_core.py {' '.join(sys.argv[1:])}` on {started:%Y-%m-%d %H:%M} UTC, "
           f"{os.cpu_count()} CPUs, ISA {isa()}, load average {load_start} at the start and {load_end} at the end "
           f"(the machine is shared: 'quiet' means no busy loop of ours); another session's real-time process "
           f"was running at {realtime_seen} of {args.rounds * len(specs)} samples (one per model and round). "
           f"'busy': `sh -c 'while :; do :; done'` "
           f"pinned on CPU {args.busy_cpu}; Frost " + (f"pinned on CPU {args.frost_cpu}" if pin else "not pinned") +
           f". Each cell: median / min over {args.rounds} fresh `frost bench` processes of its p50 "
           f"(--warmup {args.warmup}, runs per batch in the table). 2T/1T: time ratio of the medians; "
           f"above 1.00, 2 threads are slower than 1.\n"]
    head = "| model | binary | runs | quiet 1T ms | quiet 2T ms | busy 1T ms | busy 2T ms | quiet 2T/1T | busy 2T/1T |"
    out += [head, "|---" * (head.count("|") - 1) + "|"]
    worst = []
    for name, per in samples.items():
        for b, cells in per.items():
            med = {c: statistics.median(v) for c, v in cells.items()}
            cell = {c: f"{fmt(med[c])} / {fmt(min(v))}" for c, v in cells.items()}
            q, busy = med[("quiet", 2)] / med[("quiet", 1)], med[("busy", 2)] / med[("busy", 1)]
            worst.append((busy, name, b))
            mark = lambda x: f"**{x:.2f}**" if x > 1.0 else f"{x:.2f}"  # noqa: E731
            out.append(f"| {name} | {b} | {runs[name]} | {cell[('quiet', 1)]} | {cell[('quiet', 2)]} | "
                       f"{cell[('busy', 1)]} | {cell[('busy', 2)]} | {mark(q)} | {mark(busy)} |")
    slower = [w for w in worst if w[0] > 1.0]
    out.append(f"\nBusy core, 2 threads slower than 1 (median): {len(slower)} of {len(worst)} rows"
               + (": " + ", ".join(f"{n} ({b}) {x:.2f}" for x, n, b in sorted(slower, reverse=True)) if slower else "")
               + ".\n")
    Path(args.out).write_text("\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()

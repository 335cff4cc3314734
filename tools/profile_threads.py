#!/usr/bin/env python3
"""Where a model's 2-thread run loses, layer by layer (issue 14).

Runs `frost bench MODEL --profile` at 1 and at 2 threads, alternating, in
--rounds fresh processes each, and keeps each node's least per-run time
over the rounds: on a shared VM one process's profile (a mean over its
runs) carries whatever lumps of waiting fell into it (a worker preempted
for a 4 ms tick lands on whichever layer it hits), while the least over a
few processes is what the layer costs when nothing interferes. Prints the
nodes by their loss, the 2-thread time minus half the 1-thread time: what
the layer keeps the model from a 2x speed-up.

Timing runs: run it under the bench lock (`flock /work/bench.lock
/work/hi.sh tools/profile_threads.py ...`), with few rounds and runs so
that a locked run stays short. The tool is for measuring; Frost never
needs it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

# "    0.1620 ms    6.4%     1 calls  100% split  NODE  (OP, IMPLEMENTATION)":
# the first table of `frost bench --profile` (per node; the share of its
# calls that split across the worker team is optional, older binaries do not
# print it); the later tables (per implementation, per op type) have no
# parenthesised pair.
NODE_ROW = re.compile(
    r"^\s*([\d.]+) ms\s+[\d.]+%\s+(\d+) calls(?:\s+\d+% split)?\s+(\S+)\s+\(([^,]+), ([^)]+)\)\s*$")


def parse_profile(text: str) -> dict[str, tuple[float, str]]:
    """Node name -> (ms per run, implementation) from `frost bench --profile` output."""
    nodes: dict[str, tuple[float, str]] = {}
    for line in text.splitlines():
        m = NODE_ROW.match(line)
        if m:
            nodes[m.group(3)] = (float(m.group(1)), m.group(5))
    return nodes


def least(profiles: list[dict[str, tuple[float, str]]]) -> dict[str, tuple[float, str]]:
    """Each node's least time over the profiles (with its implementation)."""
    out: dict[str, tuple[float, str]] = {}
    for p in profiles:
        for name, (ms, impl) in p.items():
            if name not in out or ms < out[name][0]:
                out[name] = (ms, impl)
    return out


def loss_table(one: dict[str, tuple[float, str]], two: dict[str, tuple[float, str]], top: int) -> str:
    """Markdown rows of the nodes in both, largest loss (2T - 1T/2) first, and the totals."""
    names = [n for n in one if n in two]
    names.sort(key=lambda n: two[n][0] - one[n][0] / 2, reverse=True)
    rows = ["| node | implementation | 1T ms | 2T ms | speed-up | loss ms |", "|---|---|---|---|---|---|"]
    for n in names[:top]:
        t1, t2 = one[n][0], two[n][0]
        speedup = f"{t1 / t2:.2f}" if t2 > 0 else "-"
        rows.append(f"| {n} | {two[n][1]} | {t1:.3f} | {t2:.3f} | {speedup} | {t2 - t1 / 2:.3f} |")
    s1 = sum(one[n][0] for n in names)
    s2 = sum(two[n][0] for n in names)
    total = f"{s1 / s2:.2f}" if s2 > 0 else "-"
    rows.append(f"| (sum of all {len(names)} nodes) | | {s1:.3f} | {s2:.3f} | {total} | {s2 - s1 / 2:.3f} |")
    return "\n".join(rows)


def run_profile(frost: str, model: str, inputs: list[str], threads: int, runs: int, warmup: int) -> str:
    cmd = [frost, "bench", model, "--threads", str(threads), "--runs", str(runs), "--warmup", str(warmup), "--profile"]
    for spec in inputs:
        cmd += ["--input", spec]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return done.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="graph (.pb) as `frost bench` takes it")
    ap.add_argument("--input", action="append", default=[], help="NAME=FILE.npy, as for `frost bench` (repeat)")
    ap.add_argument("--frost", default=str(Path(__file__).resolve().parent.parent / "build" / "src" / "cli" / "frost"))
    ap.add_argument("--rounds", type=int, default=5, help="fresh processes per thread count")
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--top", type=int, default=20, help="nodes to list")
    a = ap.parse_args()
    profiles: dict[int, list[dict[str, tuple[float, str]]]] = {1: [], 2: []}
    for _ in range(a.rounds):
        for threads in (1, 2):
            profiles[threads].append(parse_profile(run_profile(a.frost, a.model, a.input, threads, a.runs, a.warmup)))
    if not profiles[1][0] or not profiles[2][0]:
        sys.exit("no per-node rows in the profile output")
    print(f"least per-node time over {a.rounds} processes of {a.runs} runs each, {a.model}\n")
    print(loss_table(least(profiles[1]), least(profiles[2]), a.top))


if __name__ == "__main__":
    main()

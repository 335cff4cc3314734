#!/usr/bin/env python3
"""Frost beside TensorFlow, ONNX Runtime, OpenVINO and TFLite/LiteRT on the
same frozen graphs and inputs; writes docs/bench/peers.md and a chart.

    .venv/bin/python tools/bench_peers.py                 # the full table
    .venv/bin/python tools/bench_peers.py --models resnet --rounds 2   # a quick look

Needs the project venv with the peers (tools/setup_venv.sh; pinned in
tools/requirements.txt) and Frost built (build/src/cli/frost). Models:
models/*/ (frozen_graph.pb), models/large/ (tools/models/large.py) and the
corpus CNNs (tools/peers/models.py); `--corpus all` adds every corpus graph
with a reference, `--corpus other` all but the CNNs. Conversions are cached in build/peers/. Frost itself never
needs any of this.

Engines: frost, tf, ort, openvino, tflite (how each one's threads are set:
tools/peers/engines.py; method and statistics: tools/peers/runner.py; best
peer and ratios: tools/peers/report.py). With --profile-worst K, the K models
with the worst Frost/best-peer ratio at 1 thread get a `frost bench --profile
--threads 1` in the report.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import frost, report  # noqa: E402
from peers.inputs import CACHE_ROOT, prepare  # noqa: E402
from peers.machine import cpu_model, isa  # noqa: E402
from peers.models import REPO_ROOT, find_models  # noqa: E402
from peers.runner import ENGINES, log, run_model  # noqa: E402


def commit() -> str:
    def git(*a):
        return subprocess.run(["git", "-C", str(REPO_ROOT), *a], capture_output=True, text=True).stdout.strip()
    return git("rev-parse", "--short", "HEAD") + (" + local changes" if git("status", "--porcelain", "src") else "")


def profile_worst(results: dict, args) -> list:
    worst = sorted(((q, m) for m in results["models"] if (q := report.ratio(m, 1))), key=lambda x: -x[0])
    out = []
    for q, m in worst[:args.profile_worst]:
        spec = next(s for s in find_models(args.corpus) if s.name == m["name"])
        benched, _ = prepare(spec)
        cmd = frost.bench_command(args.frost, benched, 1, 20, args.warmup, profile=True)
        log(f"profiling {m['name']}")
        proc = subprocess.run(cmd, capture_output=True, text=True)
        root = str(REPO_ROOT) + "/"
        shown = " ".join(shlex.quote(c.replace(root, "")) for c in cmd)
        out.append({"name": m["name"], "ratio": q, "command": shown,
                    "output": (proc.stdout + proc.stderr).replace(root, "")})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frost", default=str(REPO_ROOT / "build" / "src" / "cli" / "frost"))
    ap.add_argument("--models", nargs="*", default=[], help="only models whose name contains one of these")
    ap.add_argument("--corpus", choices=["cnn", "other", "all", "none"], default="cnn")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2, help="untimed runs before each batch")
    ap.add_argument("--budget", type=float, default=0.5, help="seconds of timed runs per batch")
    ap.add_argument("--min-runs", type=int, default=5)
    ap.add_argument("--max-runs", type=int, default=200)
    ap.add_argument("--pause", type=float, default=0.05, help="seconds between batches (idle threads settle)")
    ap.add_argument("--convert-timeout", type=float, default=900)
    ap.add_argument("--worker-timeout", type=float, default=900)
    ap.add_argument("--reconvert", action="store_true", help="redo cached conversions and failures")
    ap.add_argument("--profile-worst", type=int, default=3)
    ap.add_argument("--out", default=str(REPO_ROOT / "docs" / "bench" / "peers.md"))
    ap.add_argument("--chart", default=str(REPO_ROOT / "docs" / "bench" / "peers.png"))
    ap.add_argument("--json-out", default=str(CACHE_ROOT / "results.json"))
    ap.add_argument("--json-in", default="", help="write the report from saved results instead of running")
    args = ap.parse_args()
    args.engines = args.engines.split(",")
    args.threads = [int(t) for t in args.threads.split(",")]

    if args.json_in:
        results = json.loads(Path(args.json_in).read_text())
    else:
        specs = [s for s in find_models(args.corpus) if not args.models or any(k in s.name for k in args.models)]
        if not specs:  # (models/large is absent until tools/models/large.py has made it)
            ap.error(f"no model matches --models {' '.join(args.models)} with --corpus {args.corpus}")
        command = "tools/bench_peers.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        results = {"meta": {"command": command.strip(), "date": datetime.date.today().isoformat(),
                            "commit": commit(), "cpu": cpu_model(), "cpus": os.cpu_count(), "isa": isa(),
                            "load_before": os.getloadavg()[0], "threads": args.threads, "engines": args.engines,
                            "rounds": args.rounds, "warmup": args.warmup, "budget": args.budget,
                            "min_runs": args.min_runs, "max_runs": args.max_runs},
                   "models": []}
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        for spec in specs:
            log(f"{spec.name} (load {os.getloadavg()[0]:.2f}, {time.monotonic() - start:.0f} s into the run)")
            results["models"].append(run_model(spec, args))
            Path(args.json_out).write_text(json.dumps(results, indent=1))
        results["meta"]["load_after"] = os.getloadavg()[0]
        results["meta"]["minutes"] = (time.monotonic() - start) / 60
        if args.profile_worst and "frost" in args.engines and 1 in args.threads:
            results["profiles"] = profile_worst(results, args)
        Path(args.json_out).write_text(json.dumps(results, indent=1))
    lines = report.markdown(results)
    if report.chart(results, args.chart):
        lines.insert(2, f"![Frost / best peer per model]({os.path.basename(args.chart)})\n")
    Path(args.out).write_text("\n".join(lines) + "\n")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()

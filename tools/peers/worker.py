"""One peer engine on one model at one thread count, in its own process.

    python tools/peers/worker.py ENGINE CACHE_DIR THREADS

Loads the model (CACHE_DIR/spec.json and the conversions beside it), then
answers JSON commands on stdin, one per line, with one JSON line each:
  {"cmd": "check"}                      -> {"err": max error relative to TF}
  {"cmd": "time", "warmup": W, "budget": S, "min": A, "max": B}
      W untimed runs, then timed runs until S seconds and A runs have passed
      (at most B)                       -> {"ms": [...]}
The first line is {"ready": detail} or {"error": why it cannot load}.
The protocol has the process's real stdout; everything the engines print
goes to stderr.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    engine_name, folder, threads = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])

    def say(obj):
        protocol.write(json.dumps(obj) + "\n")

    from peers.convert import first_line
    from peers.engines import ENGINES
    from peers.inputs import max_rel_error
    from peers.models import ModelSpec

    spec = ModelSpec.from_json(json.loads((folder / "spec.json").read_text()))
    try:
        engine = ENGINES[engine_name](spec, threads, folder)
        engine.run()
    except Exception as e:
        say({"error": first_line(e)})
        return
    say({"ready": engine.detail})
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "check":
            try:
                say({"err": max_rel_error(engine.run(), spec)})
            except Exception as e:
                say({"error": first_line(e)})
        elif cmd["cmd"] == "time":
            for _ in range(cmd["warmup"]):
                engine.run()
            ms, start = [], time.perf_counter()
            while len(ms) < cmd["max"] and (len(ms) < cmd["min"] or time.perf_counter() - start < cmd["budget"]):
                t0 = time.perf_counter()
                engine.run()
                ms.append(1e3 * (time.perf_counter() - t0))
            say({"ms": ms})


if __name__ == "__main__":
    main()

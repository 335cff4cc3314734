"""Checks that the frozen graphs `frost convert` writes from Keras files load
and run in TensorFlow itself and give Keras's outputs: every stanza of
models/keras_zoo/keras_reference.txt (or the names given) is converted with the
built frost binary and run in a tf.compat.v1.Session.

Usage (project venv, after building):
  .venv/bin/python tools/keras_tf_check.py [--frost build/src/cli/frost] [NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "models"))
from common import REPO_ROOT, load_graph_def, run_graph_def  # noqa: E402


def stanzas(reference: Path) -> list[dict]:
    out: list[dict] = []
    current = None
    for line in reference.read_text().splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "graph":
            current = {"graph": parts[1], "inputs": [], "outputs": []}
            out.append(current)
        elif parts[0] in ("input", "output"):
            current[parts[0] + "s"].append((parts[1], parts[2]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--frost", default=str(REPO_ROOT / "build/src/cli/frost"))
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    zoo = REPO_ROOT / "models/keras_zoo"
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for s in stanzas(zoo / "keras_reference.txt"):
            if args.names and Path(s["graph"]).stem not in args.names and s["graph"] not in args.names:
                continue
            pb = Path(tmp) / (s["graph"] + ".pb")
            subprocess.run([args.frost, "convert", str(zoo / s["graph"]), "-o", str(pb)], check=True,
                           stdout=subprocess.DEVNULL)
            if not s["inputs"] or not s["outputs"]:
                sys.exit(f"{s['graph']}: no inputs or outputs in reference.txt")
            feeds = {f"{name.split(':')[0]}:0": np.load(zoo / npy) for name, npy in s["inputs"]}
            fetches = [name if ":" in name else name + ":0" for name, _ in s["outputs"]]
            got = run_graph_def(load_graph_def(pb), feeds, fetches)
            worst = 0.0
            for value, (_, npy) in zip(got, s["outputs"]):
                expected = np.load(zoo / npy)
                scale = max(float(np.abs(expected).max()), 1e-30)
                worst = max(worst, float(np.abs(value - expected).max()) / scale)
            ok = worst <= 1e-5
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {s['graph']:44s} TensorFlow vs Keras max rel error {worst:.2e}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

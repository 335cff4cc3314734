"""Frost-in-Python beside ONNX Runtime-in-Python on the same models
(docs/bench/python.md):
  - per-call overhead: Model.run vs InferenceSession.run on models/mlp
    (Dense 32 -> 64 -> 64 -> 10, 6,922 parameters) with one row, 1 thread;
  - throughput: the Fashion-MNIST CNN (models/fashion_cnn/tf2_frozen_graph.pb)
    at batch 64, 1 and 2 threads, in images/s.
Frost and ONNX Runtime are timed in alternating rounds (A, B, A, B, ...), so
both see the same machine load; min and median over the rounds are printed.
Feeds are plain numpy arrays (np.load / np.resize: what a user has), so
Frost's one input copy for memory that is not 64-byte aligned is included.
The last column is the `frost` command's own `frost bench` (no Python: its
p50 per round, its mean for models/mlp) on the same model, batch and threads: the engine alone, so
the difference to the first column is what the Python binding costs.

    nice -n -10 .venv/bin/python tools/python_bench.py [--rounds 15]

Needs the project venv (TensorFlow + tf2onnx convert the models for ONNX
Runtime, in a child process so that TensorFlow's libraries are not in the
timed process) and the frost package installed in it (scripts/integrations
does that; or `pip install .`). Prints a Markdown table."""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

CONVERT = r'''
import sys, tensorflow as tf, tf2onnx
for pb, inputs, outputs, onnx in zip(*[iter(sys.argv[1:])] * 4):
    g = tf.compat.v1.GraphDef()
    g.ParseFromString(open(pb, "rb").read())
    tf2onnx.convert.from_graph_def(g, input_names=[inputs], output_names=[outputs], opset=17, output_path=onnx)
'''


def per_call_seconds(fn, calls):
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def interleaved(a, b, calls, rounds):
    """Seconds per call of a and b: [per round], alternating which goes first."""
    a(), b()  # warm-up: first-run allocations, worker threads start
    times_a, times_b = [], []
    for r in range(rounds):
        if r % 2:
            times_b.append(per_call_seconds(b, calls))
            times_a.append(per_call_seconds(a, calls))
        else:
            times_a.append(per_call_seconds(a, calls))
            times_b.append(per_call_seconds(b, calls))
    return times_a, times_b


def frost_bench_seconds(frost_bin, model, threads, batch, runs):
    """Seconds per batch that the `frost` command itself measures: its p50
    over `runs`, or for runs under 100 µs (printed in ms with 3 decimals) its
    mean from the throughput line. The engine without Python, to tell binding
    overhead from kernels."""
    out = subprocess.run([frost_bin, "bench", str(model), "--threads", str(threads), "--batch", str(batch),
                          "--runs", str(runs), "--warmup", "2"], check=True, capture_output=True, text=True).stdout
    p50 = throughput = None
    for line in out.splitlines():
        if line.startswith("latency ms:"):
            p50 = float(line.split("p50")[1].split()[0]) / 1e3
        elif line.startswith("throughput:"):
            throughput = float(line.split()[1])
    if p50 is None or throughput is None:
        raise RuntimeError("frost bench printed no latency or throughput line:\n" + out)
    return p50 if p50 >= 1e-4 else batch / throughput


def min_median(times):
    ordered = sorted(times)
    return ordered[0], ordered[len(ordered) // 2]


def isa():
    flags = set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    avx512 = [f.removeprefix("avx512").lstrip("_") for f in
              ("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512ifma", "avx512vbmi", "avx512_vnni")
              if f in flags]
    return ("AVX-512 " + "/".join(avx512)) if avx512 else ("AVX2" if "avx2" in flags else "SSE2")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    import frost
    import numpy as np
    import onnxruntime as ort

    mlp_pb = ROOT / "models/mlp/frozen_graph.pb"
    fashion_pb = ROOT / "models/fashion_cnn/tf2_frozen_graph.pb"
    work = tempfile.mkdtemp(prefix="frost-pybench-")
    subprocess.run([sys.executable, "-c", CONVERT, str(mlp_pb), "features:0", "dense_2/Softmax:0", work + "/mlp.onnx",
                    str(fashion_pb), "conv2d_input:0", "Identity:0", work + "/fashion.onnx"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ort_session(path, threads):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    frost_bin = ROOT / "build/src/cli/frost"
    frost_bin = str(frost_bin) if frost_bin.exists() else None
    load_before = os.getloadavg()[0]
    rows = []
    row = np.load(ROOT / "models/mlp/inputs.npy")[:1].copy()
    mlp = frost.load(mlp_pb, threads=1)
    mlp_ort = ort_session(work + "/mlp.onnx", 1)
    np.testing.assert_allclose(mlp.run({"features": row})["dense_2/Softmax"],
                               mlp_ort.run(["dense_2/Softmax:0"], {"features:0": row})[0], rtol=1e-5, atol=1e-6)
    f, o = interleaved(lambda: mlp.run({"features": row}), lambda: mlp_ort.run(["dense_2/Softmax:0"], {"features:0": row}),
                       5000, args.rounds)
    (fmin, fmed), (omin, omed) = min_median(f), min_median(o)
    mlp_cells = [f"{fmin * 1e6:.1f} / {fmed * 1e6:.1f}", f"{omin * 1e6:.1f} / {omed * 1e6:.1f}"]
    if frost_bin:
        c = [frost_bench_seconds(frost_bin, mlp_pb, 1, 1, 2000) for _ in range(3)]
        mlp_cells.append(f"{min(c) * 1e6:.1f} / {sorted(c)[1] * 1e6:.1f}")
    rows.append(("models/mlp, 1 row, 1 thread: µs per call", *mlp_cells))

    images = np.load(ROOT / "models/fashion_cnn/inputs.npy")
    batch = np.resize(images, (64, 28, 28, 1))
    for threads in (1, 2):
        model = frost.load(fashion_pb, threads=threads)
        session = ort_session(work + "/fashion.onnx", threads)
        name = session.get_inputs()[0].name
        np.testing.assert_allclose(model({"conv2d_input": batch})["Identity"], session.run(None, {name: batch})[0],
                                   rtol=1e-4, atol=1e-5)
        frost_call = lambda: model({"conv2d_input": batch})
        ort_call = lambda: session.run(None, {name: batch})
        f, o, c = [], [], []
        steps = [lambda: f.append(per_call_seconds(frost_call, 20)), lambda: o.append(per_call_seconds(ort_call, 20))]
        if frost_bin:
            steps.append(lambda: c.append(frost_bench_seconds(frost_bin, fashion_pb, threads, 64, 20)))
        for r in range(args.rounds):  # rotating which goes first
            for k in range(len(steps)):
                steps[(r + k) % len(steps)]()
        cells = [f"{64 / a:,.0f} / {64 / m:,.0f}" for a, m in (min_median(f), min_median(o))]
        if frost_bin:
            a, m = min_median(c)
            cells.append(f"{64 / a:,.0f} / {64 / m:,.0f}")
        # images/s: best = 64 / min time, median = 64 / median time.
        rows.append((f"Fashion-MNIST CNN, batch 64, {threads} thread(s): images/s", *cells))

    print(f"frost {frost.__file__}; onnxruntime {ort.__version__}; numpy {np.__version__}; {isa()}; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; {args.rounds} interleaved rounds; "
          f"nice {os.nice(0)}")
    print("| case | Frost `Model.run` (best / median) | ONNX Runtime `InferenceSession.run` (best / median) |"
          + (" `frost bench`, no Python (best / median of p50s) |" if frost_bin else "") + "\n|---|---|---|"
          + ("---|" if frost_bin else ""))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()

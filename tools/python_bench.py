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
    a(), b()  # warm-up: first-run allocations, OpenMP thread start
    times_a, times_b = [], []
    for r in range(rounds):
        if r % 2:
            times_b.append(per_call_seconds(b, calls))
            times_a.append(per_call_seconds(a, calls))
        else:
            times_a.append(per_call_seconds(a, calls))
            times_b.append(per_call_seconds(b, calls))
    return times_a, times_b


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
    avx512 = [f.removeprefix("avx512") for f in ("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_vnni")
              if f in flags]
    return ("AVX-512 " + "/".join(avx512)) if avx512 else ("AVX2" if "avx2" in flags else "SSE2")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    import frost  # first: OMP_WAIT_POLICY before any OpenMP runtime loads
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
    rows.append(("models/mlp, 1 row, 1 thread: µs per call", f"{fmin * 1e6:.1f} / {fmed * 1e6:.1f}",
                 f"{omin * 1e6:.1f} / {omed * 1e6:.1f}"))

    images = np.load(ROOT / "models/fashion_cnn/inputs.npy")
    batch = np.resize(images, (64, 28, 28, 1))
    for threads in (1, 2):
        model = frost.load(fashion_pb, threads=threads)
        session = ort_session(work + "/fashion.onnx", threads)
        name = session.get_inputs()[0].name
        np.testing.assert_allclose(model({"conv2d_input": batch})["Identity"], session.run(None, {name: batch})[0],
                                   rtol=1e-4, atol=1e-5)
        f, o = interleaved(lambda: model({"conv2d_input": batch}), lambda: session.run(None, {name: batch}),
                           20, args.rounds)
        (fmin, fmed), (omin, omed) = min_median(f), min_median(o)
        # images/s: best = 64 / min time, median = 64 / median time.
        rows.append((f"Fashion-MNIST CNN, batch 64, {threads} thread(s): images/s",
                     f"{64 / fmin:,.0f} / {64 / fmed:,.0f}", f"{64 / omin:,.0f} / {64 / omed:,.0f}"))

    print(f"frost {frost.__file__}; onnxruntime {ort.__version__}; numpy {np.__version__}; {isa()}; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; {args.rounds} interleaved rounds; "
          f"nice {os.nice(0)}")
    print("| case | Frost `Model.run` (best / median) | ONNX Runtime `InferenceSession.run` (best / median) |\n"
          "|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()

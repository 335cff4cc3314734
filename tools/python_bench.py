"""Frost-in-Python beside ONNX Runtime-in-Python on the same models:
per-call overhead of Model.run vs InferenceSession.run on a tiny model
(Dense 16 -> 16 + ReLU on one row), and Fashion-MNIST throughput (the bundled
CNN, tf2_frozen_graph.pb, batch 64) at 1 and 2 threads.

    PYTHONPATH=build/python /work/main/.venv/bin/python tools/python_bench.py

Needs the project venv (TensorFlow + tf2onnx make the models, in a child
process so that TensorFlow's libraries are not in the timed process) and the
frost package (build/python, or pip-installed). Prints a Markdown table."""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

MAKE_MODELS = r'''
import sys, numpy as np, tensorflow as tf, tf2onnx
out = sys.argv[1]
rng = np.random.default_rng(7)  # seed 7
w = rng.standard_normal((16, 16)).astype(np.float32)
b = rng.standard_normal(16).astype(np.float32)
g = tf.Graph()
with g.as_default():
    x = tf.compat.v1.placeholder(tf.float32, [None, 16], name="x")
    tf.nn.relu(tf.nn.bias_add(tf.matmul(x, tf.constant(w)), tf.constant(b)), name="y")
gd = g.as_graph_def()
open(out + "/tiny.pb", "wb").write(gd.SerializeToString())
tf2onnx.convert.from_graph_def(gd, input_names=["x:0"], output_names=["y:0"], opset=17, output_path=out + "/tiny.onnx")
fashion = tf.compat.v1.GraphDef()
fashion.ParseFromString(open(sys.argv[2], "rb").read())
tf2onnx.convert.from_graph_def(fashion, input_names=["conv2d_input:0"], output_names=["Identity:0"], opset=17,
                               output_path=out + "/fashion.onnx")
'''


def median_seconds(fn, calls, repeats=7):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return sorted(times)[len(times) // 2]


def main():
    import frost
    import numpy as np
    import onnxruntime as ort

    fashion_pb = ROOT / "models/fashion_cnn/tf2_frozen_graph.pb"
    work = tempfile.mkdtemp(prefix="frost-pybench-")
    subprocess.run([sys.executable, "-c", MAKE_MODELS, work, str(fashion_pb)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ort_session(path, threads):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    rows = []
    x = frost.empty((1, 16))
    x[...] = np.random.default_rng(8).standard_normal((1, 16), dtype=np.float32)  # seed 8
    tiny = frost.load(work + "/tiny.pb", threads=1)
    tiny_ort = ort_session(work + "/tiny.onnx", 1)
    np.testing.assert_allclose(tiny.run({"x": x})["y"], tiny_ort.run(["y:0"], {"x:0": x})[0], rtol=1e-5, atol=1e-6)
    frost_us = median_seconds(lambda: tiny.run({"x": x}), 20000) * 1e6
    ort_us = median_seconds(lambda: tiny_ort.run(["y:0"], {"x:0": x}), 20000) * 1e6
    rows.append(("tiny Dense 16x16+ReLU, batch 1, per call", f"{frost_us:.1f} µs", f"{ort_us:.1f} µs"))

    images = np.load(ROOT / "models/fashion_cnn/inputs.npy")
    batch = frost.empty((64, 28, 28, 1))
    batch[...] = np.resize(images, batch.shape)
    for threads in (1, 2):
        model = frost.load(fashion_pb, threads=threads)
        session = ort_session(work + "/fashion.onnx", threads)
        name = session.get_inputs()[0].name
        np.testing.assert_allclose(model({"conv2d_input": batch})["Identity"], session.run(None, {name: batch})[0],
                                   rtol=1e-4, atol=1e-5)
        f = 64 / median_seconds(lambda: model({"conv2d_input": batch}), 20)
        o = 64 / median_seconds(lambda: session.run(None, {name: batch}), 20)
        rows.append((f"Fashion-MNIST CNN, batch 64, {threads} thread(s)", f"{f:,.0f} images/s", f"{o:,.0f} images/s"))

    print(f"frost {frost.__file__}; onnxruntime {ort.__version__}; numpy {np.__version__}")
    print("| case | Frost `Model.run` | ONNX Runtime `InferenceSession.run` |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()

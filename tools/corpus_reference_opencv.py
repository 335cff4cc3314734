"""Exact TensorFlow reference for the corpus graph opencv_face_detector_uint8.

TensorFlow's own outputs for this graph are NaN everywhere: some of its quint8
weights have the range [0, FLT_MIN], whose MIN_FIRST scale (max-min)/255 is a
denormal that TensorFlow flushes to zero, so min/scale becomes 0/0. This
script replaces exactly those Dequantize nodes by Consts holding the values
MIN_FIRST defines (computed in float64 with numpy, no flushing), runs the
patched graph with TensorFlow, and stores the outputs as the reference for
Frost, which runs the original graph. The input is tests/corpus's seeded one.

Run with the project venv: .venv/bin/python tools/corpus_reference_opencv.py
"""
import os
import sys

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPH = os.path.join(ROOT, "..", "shared", "corpus", "graphs", "opencv_face_detector_uint8.pb")
OUT = os.path.join(ROOT, "tests", "corpus", "opencv_face_detector_uint8")
FLT_MIN = np.finfo(np.float32).tiny


def min_first(values, lo, hi):
    """Dequantize MIN_FIRST for quint8 (TensorFlow's documented formula), in float64."""
    steps = 256.0
    scale = (hi - lo) * (steps / (steps - 1.0)) / steps
    return (lo + values.astype(np.float64) * scale).astype(np.float32)


def const_value(nodes, name):
    return tf.make_ndarray(nodes[name.split(":")[0]].attr["value"].tensor)


def main():
    gd = tf.compat.v1.GraphDef()
    with open(GRAPH, "rb") as f:
        gd.ParseFromString(f.read())
    nodes = {n.name: n for n in gd.node}
    patched = 0
    for n in gd.node:
        if n.op != "Dequantize" or n.attr["mode"].s != b"MIN_FIRST":
            continue
        lo = float(const_value(nodes, n.input[1]))
        hi = float(const_value(nodes, n.input[2]))
        if (hi - lo) / 255.0 >= FLT_MIN:
            continue  # TensorFlow computes this one correctly
        value = min_first(const_value(nodes, n.input[0]), lo, hi)
        name, controls = n.name, [i for i in n.input if i.startswith("^")]
        n.Clear()
        n.name, n.op = name, "Const"
        n.input.extend(controls)
        n.attr["dtype"].type = tf.float32.as_datatype_enum
        n.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(value))
        patched += 1
    os.makedirs(OUT, exist_ok=True)
    # A seeded mean-subtracted BGR image, 300x300 as OpenCV feeds this model.
    x = np.random.default_rng(20).uniform(-128.0, 128.0, size=(1, 300, 300, 3)).astype(np.float32)
    np.save(os.path.join(OUT, "input_data_0.npy"), x)
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.compat.v1.Session() as s:
            loc, conf = s.run(["mbox_loc:0", "mbox_conf_flatten:0"], {"data:0": x})
    assert np.isfinite(loc).all() and np.isfinite(conf).all()
    np.save(os.path.join(OUT, "expected_mbox_loc_0.npy"), loc)
    np.save(os.path.join(OUT, "expected_mbox_conf_flatten_0.npy"), conf)
    with open(os.path.join(OUT, "reference.txt"), "w") as f:
        f.write("# Exact reference for opencv_face_detector_uint8.pb (tools/corpus_reference_opencv.py):\n"
                "# TensorFlow 2.21 on the graph with the %d Dequantize nodes whose [0, FLT_MIN] range TensorFlow\n"
                "# turns into NaN replaced by their exact MIN_FIRST values; Frost runs the original graph.\n"
                "# corpus file: opencv_face_detector_uint8.pb\n"
                "graph ../../../../shared/corpus/graphs/opencv_face_detector_uint8.pb\n"
                "input data:0 input_data_0.npy\n"
                "output mbox_loc:0 expected_mbox_loc_0.npy\n"
                "output mbox_conf_flatten:0 expected_mbox_conf_flatten_0.npy\n" % patched)
    print(f"patched {patched} Dequantize nodes; outputs {loc.shape} {conf.shape}")


if __name__ == "__main__":
    sys.exit(main())

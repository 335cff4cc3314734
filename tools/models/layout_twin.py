"""Generates models/layout_twin/: one CNN frozen twice, natively in NHWC and
converted to NCHW the way ONNX->TensorFlow converters (onnx-tf) write it.

The NHWC form is a tf_keras model frozen in TF1 graph mode, as Keras users
export. The NCHW form carries the same weights but keeps every activation in
NCHW, as a graph that went Keras/PyTorch -> ONNX -> onnx-tf does: NCHW input,
each convolution and max-pool wrapped in Transpose(NCHW->NHWC) ... Transpose
(NHWC->NCHW), BiasAdd with data_format NCHW, batch norm as element-wise
Mul/Add on [1,C,1,1] constants, Concat on axis 1, Flatten as a Reshape of the
NCHW tensor (so the Dense rows are permuted to C,H,W order), global average
pool as Mean over axes [2,3], Gemm as MatMul + Add. Frost's layout passes
should make the NCHW form run as fast as the NHWC one (issue 15's 1.1x target).

TensorFlow runs both forms (the NCHW one only uses ops TF's CPU kernels
accept) and the generator checks that they agree before writing.

    .venv/bin/python tools/models/layout_twin.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.enter_tf1_graph_mode()
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402
from tf_keras.src import backend as keras_backend  # noqa: E402

import random_models  # noqa: E402  (randomise_weights: same weight recipe as the other models)

layers = tf_keras.layers
SEED = 15
HEIGHT = WIDTH = 64
OUT_DIR = common.MODELS_DIR / "layout_twin"


def build_keras():
    inputs = layers.Input((HEIGHT, WIDTH, 3), name="image")
    x = layers.Conv2D(16, 3, padding="same", name="stem")(inputs)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(name="stem_relu")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    y = layers.Conv2D(16, 3, padding="same", activation="relu", name="res_a")(x)
    y = layers.Conv2D(16, 3, padding="same", name="res_b")(y)
    x = layers.Add(name="res_add")([x, y])
    x = layers.ReLU(name="res_relu")(x)
    a = layers.Conv2D(16, 1, activation="relu", name="branch_1x1")(x)
    b = layers.Conv2D(16, 3, padding="same", activation="relu", name="branch_3x3")(x)
    x = layers.Concatenate(name="branches")([a, b])
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="down")(x)
    embedding = layers.GlobalAveragePooling2D(name="embedding")(x)
    flat = layers.Flatten(name="flatten")(x)
    probs = layers.Dense(10, activation="softmax", name="classes")(flat)
    return tf_keras.Model(inputs, [probs, embedding], name="layout_twin")


# ----------------------------------------------------- the onnx-tf style form

def to_nhwc(x):
    return tf.transpose(x, [0, 2, 3, 1])


def to_nchw(x):
    return tf.transpose(x, [0, 3, 1, 2])


def conv_nchw(x, layer, relu):
    kernel, bias = layer.get_weights()
    stride = layer.strides[0]
    y = to_nchw(tf.nn.conv2d(to_nhwc(x), tf.constant(kernel), stride,
                             layer.padding.upper()))
    y = tf.nn.bias_add(y, tf.constant(bias), data_format="NCHW")
    return tf.nn.relu(y) if relu else y


def batch_norm_nchw(x, layer):
    gamma, beta, mean, variance = (tf.constant(v.reshape(1, -1, 1, 1))
                                   for v in layer.get_weights())
    return tf.nn.batch_normalization(x, mean, variance, beta, gamma,
                                     layer.epsilon)


def max_pool_nchw(x):
    return to_nchw(tf.nn.max_pool2d(to_nhwc(x), 2, 2, "VALID"))


def build_nchw_graph(model):
    """Returns (GraphDef, input name, [output names]) of the converted form."""
    get = model.get_layer
    graph = tf.Graph()
    with graph.as_default():
        image = tf.compat.v1.placeholder(tf.float32, [1, 3, HEIGHT, WIDTH], name="image")
        x = conv_nchw(image, get("stem"), relu=False)
        x = tf.nn.relu(batch_norm_nchw(x, get("stem_bn")))
        x = max_pool_nchw(x)
        y = conv_nchw(x, get("res_a"), relu=True)
        y = conv_nchw(y, get("res_b"), relu=False)
        x = tf.nn.relu(x + y)
        a = conv_nchw(x, get("branch_1x1"), relu=True)
        b = conv_nchw(x, get("branch_3x3"), relu=True)
        x = tf.concat([a, b], axis=1)
        x = max_pool_nchw(x)
        x = conv_nchw(x, get("down"), relu=True)
        embedding = tf.reduce_mean(x, axis=[2, 3], name="embedding")
        channels, height, width = x.shape.as_list()[1:]
        flat = tf.reshape(x, [1, -1])
        kernel, bias = get("classes").get_weights()
        # Keras flattens H,W,C; the NCHW graph flattens C,H,W.
        kernel = (kernel.reshape(height, width, channels, -1)
                  .transpose(2, 0, 1, 3).reshape(channels * height * width, -1))
        logits = tf.matmul(flat, tf.constant(kernel)) + tf.constant(bias)
        probs = tf.nn.softmax(logits, name="classes")
    return graph.as_graph_def(), image.name, [probs.name, embedding.name]


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for old in OUT_DIR.glob("*"):
        old.unlink()
    tf_keras.backend.clear_session()
    common.set_all_seeds(SEED)
    keras_backend.set_learning_phase(0)
    model = build_keras()
    random_models.randomise_weights(model, np.random.default_rng(SEED))
    session = keras_backend.get_session()
    nhwc = tf.compat.v1.graph_util.convert_variables_to_constants(
        session, session.graph.as_graph_def(), [t.op.name for t in model.outputs])
    common.assert_frozen(nhwc)
    nhwc_in, nhwc_out = model.input.name, [t.name for t in model.outputs]
    nchw, nchw_in, nchw_out = build_nchw_graph(model)

    rng = np.random.default_rng([SEED, 1])
    image_nhwc = rng.standard_normal((1, HEIGHT, WIDTH, 3)).astype(np.float32)
    image_nchw = np.ascontiguousarray(image_nhwc.transpose(0, 3, 1, 2))
    got_nhwc = common.run_graph_def(nhwc, {nhwc_in: image_nhwc}, nhwc_out)
    got_nchw = common.run_graph_def(nchw, {nchw_in: image_nchw}, nchw_out)
    for a, b, name in zip(got_nhwc, got_nchw, ("classes", "embedding")):
        diff = float(np.max(np.abs(a - b)) / np.max(np.abs(a)))
        print(f"{name}: NHWC vs NCHW max relative difference {diff:.2e}")
        if diff > 1e-5:
            sys.exit(f"the two forms disagree on {name}: {diff}")

    common.write_graph_def(nhwc, OUT_DIR / "nhwc.pb")
    common.write_graph_def(nchw, OUT_DIR / "nchw.pb")
    common.save_npy(OUT_DIR / "input_nhwc.npy", image_nhwc)
    common.save_npy(OUT_DIR / "input_nchw.npy", image_nchw)
    stanzas = []
    for form, graph_in, outs, got in (("nhwc", nhwc_in, nhwc_out, got_nhwc),
                                      ("nchw", nchw_in, nchw_out, got_nchw)):
        files = []
        for tensor, value in zip(outs, got):
            file = common.tensor_file_name(tensor, f"expected_{form}")
            common.save_npy(OUT_DIR / file, value.astype(np.float32))
            files.append((tensor, file))
        stanzas.append(common.Stanza(graph=f"{form}.pb",
                                     inputs=[(graph_in, f"input_{form}.npy")],
                                     outputs=files))
    common.write_reference(OUT_DIR, stanzas, header=[
        f"layout_twin: one random-initialised CNN (seed {SEED}) frozen natively in NHWC",
        "and converted to NCHW onnx-tf style; outputs from TensorFlow 2.21 running",
        "each form (tools/models/layout_twin.py)."])
    write_readme(nhwc, nchw, model)


def write_readme(nhwc, nchw, model) -> None:
    text = f"""# layout_twin

One CNN frozen twice with the same weights (`tools/models/layout_twin.py`,
seed {SEED}): stem conv + BatchNorm + ReLU, max-pool, a residual block (Add),
two branches (1x1 and 3x3 conv) joined by a Concat, max-pool, a strided conv,
then two outputs: Flatten + Dense softmax (`classes`) and global average pool
(`embedding`). Input 1x{HEIGHT}x{WIDTH}x3, {model.count_params():,} parameters.

- `nhwc.pb`: the tf_keras model frozen in TF1 graph mode, as Keras exports it.
  {common.describe_graph(nhwc)}.
- `nchw.pb`: the same network as ONNX->TF converters (onnx-tf) write it:
  NCHW input and activations, each Conv2D/MaxPool wrapped in
  Transpose(0,2,3,1) ... Transpose(0,3,1,2), BiasAdd NCHW, BatchNorm as
  element-wise ops on [1,C,1,1] constants, Concat axis 1, Flatten as a
  Reshape of the NCHW tensor (Dense rows permuted to C,H,W), Mean over
  axes [2,3]. {common.describe_graph(nchw)}.

Inputs `input_nhwc.npy` / `input_nchw.npy` are the same N(0,1) image in each
layout. `expected_*` are TensorFlow's outputs for each form (TF runs both);
the generator checks the two forms agree to 1e-5 before writing. Issue 15's
target: Frost runs `nchw.pb` within 1.1x of `nhwc.pb`.
"""
    (OUT_DIR / "README.md").write_text(text)


if __name__ == "__main__":
    main()

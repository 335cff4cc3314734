"""Generates random-initialised reference architectures in models/<name>/.

Each model is built with tf_keras in TF1 graph mode (as Frost's users built
theirs: v1 control flow, learning phase fixed to inference), given weights
from numpy's default_rng with a fixed seed (BatchNorm moving mean/variance,
gamma and beta included, so that BN folding is really exercised), frozen
with tf.compat.v1.graph_util.convert_variables_to_constants, and run by
TensorFlow on seeded inputs.

Run inside the project's venv (tools/setup_venv.sh):
    .venv/bin/python tools/models/random_models.py [NAME ...]
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.enter_tf1_graph_mode()
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402
from tf_keras.src import backend as keras_backend  # noqa: E402

layers = tf_keras.layers
BATCH = 4
SEED = 7


# ------------------------------------------------------------ architectures

def build_mlp():
    inputs = layers.Input((32,), name="features")
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="tanh")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return tf_keras.Model(inputs, outputs, name="mlp")


def build_mobilenet_v2():
    return tf_keras.applications.MobileNetV2(
        input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10)


def residual_block(x, filters, stride):
    shortcut = x
    y = layers.Conv2D(filters, 3, strides=stride, padding="same",
                      use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if stride != 1 or int(x.shape[-1]) != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    return layers.ReLU()(layers.Add()([y, shortcut]))


def build_resnet_small():
    inputs = layers.Input((32, 32, 3), name="image")
    x = layers.Conv2D(16, 3, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for filters, stride in [(16, 1), (16, 1), (32, 2), (32, 1), (64, 2)]:
        x = residual_block(x, filters, stride)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return tf_keras.Model(inputs, outputs, name="resnet_small")


def mbconv_block(x, filters_out, expand, stride, se_ratio=0.25):
    filters_in = int(x.shape[-1])
    y = layers.Conv2D(filters_in * expand, 1, use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("swish")(y)
    y = layers.DepthwiseConv2D(3, strides=stride, padding="same",
                               use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("swish")(y)
    # squeeze-excite
    channels = filters_in * expand
    se = layers.GlobalAveragePooling2D()(y)
    se = layers.Reshape((1, 1, channels))(se)
    se = layers.Conv2D(max(1, int(filters_in * se_ratio)), 1,
                       activation="swish")(se)
    se = layers.Conv2D(channels, 1, activation="sigmoid")(se)
    y = layers.Multiply()([y, se])
    y = layers.Conv2D(filters_out, 1, use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if stride == 1 and filters_in == filters_out:
        y = layers.Add()([y, x])
    return y


def build_efficientnet_block():
    inputs = layers.Input((32, 32, 3), name="image")
    x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("swish")(x)
    x = mbconv_block(x, 16, expand=4, stride=1)
    x = mbconv_block(x, 24, expand=6, stride=2)
    x = mbconv_block(x, 24, expand=6, stride=1)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return tf_keras.Model(inputs, outputs, name="efficientnet_block")


def conv_bn_relu(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def build_unet_small():
    inputs = layers.Input((32, 32, 3), name="image")
    e1 = conv_bn_relu(conv_bn_relu(inputs, 8), 8)          # 32x32x8
    e2 = conv_bn_relu(layers.MaxPooling2D()(e1), 16)        # 16x16x16
    bottom = conv_bn_relu(layers.MaxPooling2D()(e2), 32)    # 8x8x32
    u2 = layers.Conv2DTranspose(16, 2, strides=2, padding="same")(bottom)
    d2 = conv_bn_relu(layers.Concatenate()([u2, e2]), 16)   # 16x16x16
    u1 = layers.UpSampling2D(2)(d2)                         # nearest
    d1 = conv_bn_relu(layers.Concatenate()([u1, e1]), 8)    # 32x32x8
    outputs = layers.Conv2D(3, 1, activation="sigmoid")(d1)
    return tf_keras.Model(inputs, outputs, name="unet_small")


def build_lstm_unrolled():
    inputs = layers.Input((8, 6), name="sequence")
    x = layers.LSTM(16, unroll=True, return_sequences=True)(inputs)
    x = layers.LSTM(16, unroll=True)(x)
    outputs = layers.Dense(4)(x)
    return tf_keras.Model(inputs, outputs, name="lstm_unrolled")


def build_gru_while():
    # Unknown time dimension: Keras must use a (v1) while loop.
    inputs = layers.Input((None, 6), name="sequence")
    x = layers.GRU(16, return_sequences=True)(inputs)
    x = layers.GRU(16)(x)
    outputs = layers.Dense(3, activation="softmax")(x)
    return tf_keras.Model(inputs, outputs, name="gru_while")


def build_nchw_cnn(data_format="channels_first"):
    channels_first = data_format == "channels_first"
    shape = (3, 32, 32) if channels_first else (32, 32, 3)
    axis = 1 if channels_first else -1
    inputs = layers.Input(shape, name="image")
    x = layers.Conv2D(8, 3, padding="same", data_format=data_format)(inputs)
    x = layers.BatchNormalization(axis=axis)(x)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D(2, data_format=data_format)(x)
    x = layers.Conv2D(16, 3, strides=2, padding="same",
                      data_format=data_format)(x)
    x = layers.BatchNormalization(axis=axis)(x)
    x = layers.ReLU()(x)
    x = layers.AveragePooling2D(2, data_format=data_format)(x)
    x = layers.GlobalAveragePooling2D(data_format=data_format)(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return tf_keras.Model(inputs, outputs, name="nchw_cnn")


MODELS = {
    "mlp": (build_mlp, "Dense/ReLU/tanh/Dropout/Softmax multilayer perceptron, 32 -> 64 -> 64 -> 10."),
    "mobilenet_v2": (build_mobilenet_v2, "tf.keras.applications.MobileNetV2, alpha 0.35, 96x96x3 input, 10 classes, weights=None."),
    "resnet_small": (build_resnet_small, "Hand-built ResNet: stem conv + 5 residual blocks (3x3 convs, BatchNorm, ReLU, Add; 1x1 projection shortcuts where the shape changes), global average pool, Dense softmax. 32x32x3 input."),
    "efficientnet_block": (build_efficientnet_block, "EfficientNet-style MBConv blocks: 1x1 expand, swish, 3x3 depthwise, squeeze-excite (global pool, 1x1 convs, sigmoid, Multiply), 1x1 project, residual Add. 32x32x3 input."),
    "unet_small": (build_unet_small, "U-Net: two down steps (conv-BN-ReLU, MaxPool), Conv2DTranspose (stride 2) and UpSampling2D (nearest) up steps, skip Concatenate, 1x1 conv + sigmoid. 32x32x3 in, 32x32x3 out."),
    "lstm_unrolled": (build_lstm_unrolled, "Two stacked Keras LSTM(16) layers with unroll=True over 8 fixed steps of 6 features, Dense(4). No loops: the steps are unrolled in the graph."),
    "gru_while": (build_gru_while, "Two stacked Keras GRU(16) layers over an unknown number of steps (6 features), Dense(3) softmax, built in TF1 graph mode: v1 while loops (Enter/Merge/Switch/NextIteration/Exit/LoopCond) with TensorArrayV3."),
    "nchw_cnn": (build_nchw_cnn, "Conv net in data_format channels_first (NCHW): Conv2D, BatchNorm(axis=1), ReLU, MaxPool, strided Conv2D, AvgPool, global average pool, Dense softmax. Input [N,3,32,32]."),
}


# ------------------------------------------------------------ weights

def randomise_weights(model, rng: np.random.Generator) -> None:
    """numpy-chosen values for every weight (so the files do not depend on
    TensorFlow's RNG): He-style normal kernels, small biases, and
    non-trivial BatchNorm statistics."""
    for layer in model.layers:
        values = []
        for weight in layer.weights:
            name = weight.name.split("/")[-1].split(":")[0]
            shape = tuple(weight.shape.as_list())
            if name == "moving_variance":
                v = rng.uniform(0.5, 2.0, shape)
            elif name == "moving_mean":
                v = rng.normal(0.0, 0.5, shape)
            elif name == "gamma":
                v = rng.uniform(0.5, 1.5, shape)
            elif name in ("beta", "bias"):
                v = rng.normal(0.0, 0.1, shape)
            elif len(shape) >= 2:
                if name == "depthwise_kernel":
                    fan_in = shape[0] * shape[1]
                elif isinstance(layer, layers.Conv2DTranspose):
                    fan_in = shape[0] * shape[1] * shape[3]
                else:
                    fan_in = int(np.prod(shape[:-1]))
                v = rng.normal(0.0, math.sqrt(2.0 / fan_in), shape)
            else:
                v = rng.normal(0.0, 0.1, shape)
            values.append(v.astype(np.float32))
        if values:
            layer.set_weights(values)


def make_inputs(model, rng: np.random.Generator, name: str) -> np.ndarray:
    shape = [BATCH] + model.input.shape.as_list()[1:]
    if name == "gru_while":
        shape[1] = 10  # the unknown time dimension
    return rng.normal(0.0, 1.0, shape).astype(np.float32)


# ------------------------------------------------------------ freezing

def build_and_freeze(name: str, build, data_format=None):
    """Returns (frozen GraphDef, input tensor, output tensor, model)."""
    tf_keras.backend.clear_session()
    common.set_all_seeds(SEED)
    keras_backend.set_learning_phase(0)  # inference graph: no BN/dropout conds
    model = build() if data_format is None else build(data_format)
    randomise_weights(model, np.random.default_rng([SEED, len(name), sum(name.encode())]))
    session = keras_backend.get_session()
    output_op = model.output.op.name
    frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
        session, session.graph.as_graph_def(), [output_op])
    common.assert_frozen(frozen)
    return frozen, model.input.name, model.output.name, model


def control_flow_v2_ops(graph_def) -> set[str]:
    v2 = {"While", "StatelessWhile", "If", "StatelessIf", "PartitionedCall",
          "StatefulPartitionedCall"}
    return {n.op for n in graph_def.node} & v2


def generate(name: str) -> dict:
    build, description = MODELS[name]
    out_dir = common.MODELS_DIR / name
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*"):
        old.unlink()

    frozen, input_name, output_name, model = build_and_freeze(name, build)
    if control_flow_v2_ops(frozen):
        sys.exit(f"{name}: unexpected TF2 control flow {control_flow_v2_ops(frozen)}")
    common.write_graph_def(frozen, out_dir / "frozen_graph.pb")
    rng = np.random.default_rng([SEED, 1, sum(name.encode())])
    inputs = make_inputs(model, rng, name)
    common.save_npy(out_dir / "inputs.npy", inputs)

    notes = []
    try:
        (expected,) = common.run_graph_def(frozen, {input_name: inputs},
                                           [output_name])
        how = "TensorFlow ran frozen_graph.pb itself"
    except tf.errors.OpError as error:
        if name != "nchw_cnn":
            raise
        # TF's CPU kernels cannot run some NCHW ops: compute the same
        # function with an NHWC twin carrying identical weights.
        expected = run_nhwc_twin(model, inputs)
        first = [l for l in str(error).splitlines() if l.strip()
                 and not l.strip().startswith(("Graph execution", "Detected at",
                                               "Node:", "[["))][0]
        how = ("TensorFlow's CPU kernels refused the NCHW graph "
               f"(`{first.strip()[:200]}`), so expected.npy comes from the "
               "same weights in an NHWC twin of the model, run by TensorFlow "
               "on the input transposed to NHWC")
        notes.append(how)
    common.save_npy(out_dir / "expected.npy", expected.astype(np.float32))
    common.write_reference(out_dir, [common.Stanza(
        graph="frozen_graph.pb", inputs=[(input_name, "inputs.npy")],
        outputs=[(output_name, "expected.npy")], comments=[how])], header=[
        f"{name}: random-initialised (seed {SEED}), frozen in TF1 graph mode;",
        "expected outputs from TensorFlow 2.21 (tools/models/random_models.py).",
    ])
    info = {
        "name": name, "description": description, "input": input_name,
        "input_shape": list(inputs.shape), "output": output_name,
        "output_shape": list(expected.shape), "ops": common.describe_graph(frozen),
        "nodes": len(frozen.node), "bytes": common.dir_size_bytes(out_dir / "frozen_graph.pb"),
        "params": int(model.count_params()), "how": how, "notes": notes,
        "max_abs": float(np.max(np.abs(expected))),
    }
    write_readme(out_dir, info)
    return info


def run_nhwc_twin(nchw_model, inputs_nchw: np.ndarray) -> np.ndarray:
    weights = [layer.get_weights() for layer in nchw_model.layers]
    tf_keras.backend.clear_session()
    common.set_all_seeds(SEED)
    keras_backend.set_learning_phase(0)
    twin = build_nchw_cnn("channels_last")
    for layer, values in zip(twin.layers, weights):
        layer.set_weights(values)  # same shapes: HWIO kernels, per-channel BN
    session = keras_backend.get_session()
    frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
        session, session.graph.as_graph_def(), [twin.output.op.name])
    (out,) = common.run_graph_def(
        frozen, {twin.input.name: np.transpose(inputs_nchw, (0, 2, 3, 1))},
        [twin.output.name])
    return out


def write_readme(out_dir: Path, info: dict) -> None:
    notes = "".join(f"\n- {n}" for n in info["notes"])
    text = f"""# {info['name']}

{info['description']}

Random-initialised, not trained: weights drawn by
`tools/models/random_models.py` from `numpy.random.default_rng` (He-normal
kernels, small biases; BatchNorm gamma in [0.5,1.5], beta ~ N(0,0.1), moving
mean ~ N(0,0.5), moving variance in [0.5,2], so BN folding is exercised).
Built with tf_keras 2.21 in TF1 graph mode (`disable_v2_behavior`, v1
control flow, learning phase fixed to 0 = inference), frozen with
`tf.compat.v1.graph_util.convert_variables_to_constants`.

| | |
|---|---|
| graph | `frozen_graph.pb`, {info['bytes']:,} bytes, {info['params']:,} parameters |
| input | `{info['input']}` float32 {info['input_shape']} (`inputs.npy`, N(0,1), seeded) |
| output | `{info['output']}` float32 {info['output_shape']} (`expected.npy`, max abs {info['max_abs']:.4g}) |
| ops | {info['ops']} |

Expected outputs: {info['how']}. Tolerance: 1e-4 relative to max |expected|.{notes}
"""
    (out_dir / "README.md").write_text(text)


def main() -> None:
    # Each model is generated in a fresh process: TensorFlow numbers some
    # attributes (e.g. swish's _gradient_op_type "CustomGradient-<uid>") with
    # a process-wide counter, so this keeps every file identical whether one
    # model or all are regenerated.
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print("INFO " + json.dumps(generate(sys.argv[2])), flush=True)
        return
    names = sys.argv[1:] or list(MODELS)
    infos = []
    for name in names:
        child = subprocess.run([sys.executable, __file__, "--one", name],
                               check=True, capture_output=True, text=True)
        info = json.loads([l for l in child.stdout.splitlines()
                           if l.startswith("INFO ")][-1][5:])
        print(f"{name}: {info['nodes']} nodes, {info['bytes']:,} bytes", flush=True)
        infos.append(info)
    if names == list(MODELS):
        rows = "\n".join(
            f"| `{i['name']}` | {i['bytes']:,} | {i['params']:,} | {i['nodes']} | "
            f"`{i['input']}` {i['input_shape']} | `{i['output']}` {i['output_shape']} |"
            for i in infos)
        (common.MODELS_DIR / "RANDOM_MODELS.md").write_text(
            "# Random-initialised reference models\n\n"
            "Written by `tools/models/random_models.py`; each folder's README "
            "has the op list.\n\n"
            "| model | frozen_graph.pb bytes | parameters | nodes | input | output |\n"
            "|---|---|---|---|---|---|\n" + rows + "\n")


if __name__ == "__main__":
    main()

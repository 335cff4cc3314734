"""Generates models/fashion_cnn: the Vitis-AI keras2tf tutorial's Keras CNN,
trained on Fashion-MNIST and saved in every form a user of that tutorial has.

Run inside the project's venv (tools/setup_venv.sh):
    .venv/bin/python tools/models/fashion_cnn.py

Stages (the second runs in a child process because it needs eager mode,
while the first needs TF1 graph mode for the whole process):
  1. graph mode (keras2tf style): train with fixed seeds, save keras_model.h5,
     tf_complete_model.pb (training nodes + learning phase) + tensor-bundle
     checkpoint + .meta, then TensorFlow's own freeze_graph -> frozen_graph.pb.
  2. eager mode: reload the .h5, write tf2_frozen_graph.pb
     (convert_variables_to_constants_v2) and saved_model/.
  3. graph mode again (parent): TensorFlow runs both frozen graphs on the
     reference inputs and on all 10,000 test images; writes reference.txt.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

SEED = 1234
MAX_EPOCHS = 8
TARGET_ACCURACY = 0.905   # stop after the first epoch that reaches this
BATCH_SIZE = 64
REFERENCE_BATCH = 4
DATASET_DIR = Path("/usr/share/datasets/fashion-mnist")
OUT_DIR = common.MODELS_DIR / "fashion_cnn"
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path: Path) -> np.ndarray:
    """Reads a gzipped IDX file (big-endian header: magic, then one uint32
    per dimension; data is uint8 for these files)."""
    data = gzip.decompress(path.read_bytes())
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    rank = data[3]
    dims = np.frombuffer(data, dtype=">u4", count=rank, offset=4)
    return np.frombuffer(data, dtype=np.uint8,
                         offset=4 + 4 * rank).reshape(tuple(int(d) for d in dims))


def normalise(images_u8: np.ndarray) -> np.ndarray:
    """uint8 [N,28,28] -> float32 NHWC [N,28,28,1], pixel / 255 computed in
    float32 (Frost's `eval` does static_cast<float>(p) / 255.0f: identical)."""
    return (images_u8.astype(np.float32) / np.float32(255.0))[..., np.newaxis]


def load_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(DATASET_DIR / f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(DATASET_DIR / f"{prefix}-labels-idx1-ubyte.gz")
    return normalise(images), labels.astype(np.int64)


def build_model(tf_keras):
    """The tutorial's CNN (conv-relu-BN-pool twice, dropout, dense). Dense
    width is 128 instead of the tutorial's 512 to keep models/ small."""
    layers = tf_keras.layers
    return tf_keras.Sequential([
        layers.Conv2D(28, 3, padding="same", input_shape=(28, 28, 1)),
        layers.Activation("relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, padding="same"),
        layers.Activation("relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(2),
        layers.Dropout(0.2),
        layers.Flatten(),
        layers.Dense(128),
        layers.Activation("relu"),
        layers.Dropout(0.3),
        layers.Dense(10),
        layers.Activation("softmax"),
    ])


def stage_train_and_freeze_v1() -> dict:
    common.enter_tf1_graph_mode()
    import tensorflow as tf
    common.set_all_seeds(SEED)
    import tf_keras
    from tensorflow.python.tools import freeze_graph

    x_train, y_train = load_split("train")
    x_test, y_test = load_split("test")

    model = build_model(tf_keras)
    model.compile(optimizer=tf_keras.optimizers.legacy.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # FASHION_QUICK=1: a tiny run to debug the pipeline (not for commits).
    quick = os.environ.get("FASHION_QUICK") == "1"
    if quick:
        x_train, y_train = x_train[:2000], y_train[:2000]
    start = time.time()
    epochs = 0
    while True:
        model.fit(x_train, y_train, batch_size=BATCH_SIZE,
                  initial_epoch=epochs, epochs=epochs + 1, shuffle=True,
                  verbose=2)
        epochs += 1
        _, accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
        print(f"epoch {epochs}: Keras test accuracy {accuracy:.4f}", flush=True)
        if quick or accuracy >= TARGET_ACCURACY or epochs == MAX_EPOCHS:
            break
    train_seconds = time.time() - start
    predictions = np.argmax(model.predict(x_test, batch_size=500), axis=1)
    print(f"Keras test accuracy {accuracy:.4f} after {epochs} epochs "
          f"({train_seconds:.0f} s)")

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    model.save(OUT_DIR / "keras_model.h5")
    (OUT_DIR / "keras_accuracy.txt").write_text(
        f"{accuracy:.4f}\n# tf_keras model.evaluate on the 10,000 Fashion-MNIST"
        f" test images, pixel/255 float32 NHWC, after {epochs} epochs\n")
    common.save_npy(OUT_DIR / "keras_predictions.npy",
                    predictions.astype(np.uint8))

    # keras2tf: the session's whole graph (training ops, learning phase) and
    # a tensor-bundle checkpoint of every global variable (incl. Adam slots).
    from tf_keras.src import backend as keras_backend
    session = keras_backend.get_session()
    tf.io.write_graph(session.graph.as_graph_def(), str(OUT_DIR),
                      "tf_complete_model.pb", as_text=False)
    saver = tf.compat.v1.train.Saver(save_relative_paths=True)
    checkpoint_prefix = str(OUT_DIR / "tf_chkpt.ckpt")
    saver.save(session, checkpoint_prefix)

    input_name = model.input.op.name
    output_name = model.output.op.name
    # tf_keras 2.x makes resource variables (VarHandleOp), which freeze_graph
    # can only restore through the MetaGraphDef (import_meta_graph), so it
    # is given the .meta that Saver wrote next to the checkpoint.
    freeze_graph.freeze_graph(
        input_graph=None, input_meta_graph=checkpoint_prefix + ".meta",
        input_saver="",
        input_binary=True, input_checkpoint=checkpoint_prefix,
        output_node_names=output_name, restore_op_name="save/restore_all",
        filename_tensor_name="save/Const:0",
        output_graph=str(OUT_DIR / "frozen_graph.pb"), clear_devices=True,
        initializer_nodes="")
    return {"accuracy": accuracy, "input": input_name, "output": output_name,
            "train_seconds": train_seconds, "epochs": epochs}


def stage_tf2_forms() -> None:
    """Runs in a child process: eager mode, as a TF2 user would."""
    import tensorflow as tf
    import tf_keras
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2)

    model = tf_keras.models.load_model(OUT_DIR / "keras_model.h5", compile=False)
    input_name = model.input.name.split(":")[0]

    @tf.function(input_signature=[
        tf.TensorSpec([None, 28, 28, 1], tf.float32, name=input_name)])
    def serve(images):
        return model(images, training=False)

    frozen = convert_variables_to_constants_v2(serve.get_concrete_function())
    common.write_graph_def(frozen.graph.as_graph_def(),
                           OUT_DIR / "tf2_frozen_graph.pb")
    print("tf2 frozen inputs", [t.name for t in frozen.inputs],
          "outputs", [t.name for t in frozen.outputs])
    model.save(OUT_DIR / "saved_model", save_format="tf")


def stage_references(info: dict) -> None:
    x_test, y_test = load_split("test")
    rng = np.random.default_rng(SEED)
    indices = np.sort(rng.choice(len(x_test), REFERENCE_BATCH, replace=False))
    inputs = x_test[indices]
    common.save_npy(OUT_DIR / "inputs.npy", inputs)
    keras_predictions = np.load(OUT_DIR / "keras_predictions.npy")

    forms = [
        ("frozen_graph.pb", f"{info['input']}:0", f"{info['output']}:0",
         "expected.npy", "TensorFlow freeze_graph of tf_complete_model.pb + "
         "tf_chkpt.ckpt (TF1 graph mode, learning phase and its Switch/Merge "
         "present; keras_learning_phase left at its default False)"),
        ("tf2_frozen_graph.pb", f"{info['input']}:0", "Identity:0",
         "expected_tf2.npy", "convert_variables_to_constants_v2 on a "
         "tf.function calling the reloaded .h5 model with training=False"),
    ]
    stanzas, summary = [], []
    for graph_file, input_tensor, output_tensor, expected_file, how in forms:
        graph_def = common.load_graph_def(OUT_DIR / graph_file)
        common.assert_frozen(graph_def)
        (expected,) = common.run_graph_def(
            graph_def, {input_tensor: inputs}, [output_tensor])
        common.save_npy(OUT_DIR / expected_file, expected.astype(np.float32))
        all_probs = np.concatenate([
            common.run_graph_def(graph_def,
                                 {input_tensor: x_test[i:i + 2000]},
                                 [output_tensor])[0]
            for i in range(0, len(x_test), 2000)])
        all_pred = np.argmax(all_probs, axis=1)
        differ = int(np.sum(all_pred != keras_predictions))
        acc = float(np.mean(all_pred == y_test))
        summary.append((graph_file, common.describe_graph(graph_def), differ,
                        acc, common.dir_size_bytes(OUT_DIR / graph_file)))
        stanzas.append(common.Stanza(
            graph=graph_file, inputs=[(input_tensor, "inputs.npy")],
            outputs=[(output_tensor, expected_file)], comments=[how]))
    common.write_reference(OUT_DIR, stanzas, header=[
        "Reference outputs computed by TensorFlow 2.21 (tf.compat.v1.Session",
        f"on each GraphDef). inputs.npy = Fashion-MNIST test images {indices.tolist()}",
        "as float32 pixel/255, NHWC [4,28,28,1]. Same model also as keras_model.h5,",
        "tf_complete_model.pb + tf_chkpt.ckpt.* (not frozen) and saved_model/.",
    ])
    write_readme(info, indices, summary, inputs, keras_predictions)


def write_readme(info, indices, summary, inputs, keras_predictions) -> None:
    files = sorted(p for p in OUT_DIR.rglob("*") if p.is_file())
    file_rows = "\n".join(
        f"| `{p.relative_to(OUT_DIR)}` | {p.stat().st_size:,} |" for p in files
        if p.name != "README.md")
    form_rows = "\n".join(
        f"| `{g}` | {size:,} | {ops} | {differ} | {acc:.4f} |"
        for g, ops, differ, acc, size in summary)
    text = f"""# fashion_cnn

The Vitis-AI "keras2tf" tutorial's Keras CNN, trained on Fashion-MNIST and
saved in every form a user of that tutorial ends up with. Generated by
`tools/models/fashion_cnn.py` (TensorFlow 2.21, tf_keras 2.21, seed {SEED};
TensorFlow op determinism on: a re-run trains the same model, though
TensorFlow's own graph writers do not promise byte-identical files).

## Model

Input `{info['input']}:0`, float32 NHWC `[N,28,28,1]`; output
`{info['output']}:0`, float32 `[N,10]` class probabilities.

    Conv2D(28, 3x3, same) -> ReLU -> BatchNorm -> MaxPool 2x2
    Conv2D(64, 3x3, same) -> ReLU -> BatchNorm -> MaxPool 2x2 -> Dropout(0.2)
    Flatten -> Dense(128) -> ReLU -> Dropout(0.3) -> Dense(10) -> Softmax

Same layer sequence as the tutorial's sign-language model, with 10 classes
Dense(128) instead of Dense(512) to keep the repository small, and lighter
dropout (0.2/0.3 instead of 0.25/0.5) so that a few epochs reach 90%. Trained
{info['epochs']} epochs (until test accuracy first reached
{TARGET_ACCURACY}), batch {BATCH_SIZE}, Adam 1e-3, dropout 0.2/0.3, in TF1 graph mode
(`tf.compat.v1.disable_v2_behavior()`: v1 control flow, Keras
learning phase placeholder) as keras2tf did.

**Keras test accuracy: {info['accuracy']:.4f}** (10,000 test images;
`keras_accuracy.txt`). `keras_predictions.npy`: Keras's predicted class
(uint8, `[10000]`) for every test image in file order.

## Normalisation (Frost's `eval` must do exactly this)

Images come from the gzipped IDX files in `/usr/share/datasets/fashion-mnist/`
(Debian package `dataset-fashion-mnist`), uint8 row-major 28x28. Each pixel
becomes `float32(pixel) / 255.0f` (a float32 division, not double), laid out
NHWC `[N,28,28,1]`. Labels are the uint8 values of the label file. No mean
subtraction, no other scaling.

## Files

| file | bytes |
|---|---|
{file_rows}

- `keras_model.h5`: `model.save()` of the trained model (with optimizer).
- `tf_complete_model.pb`: the session's whole GraphDef after training
  (`tf.io.write_graph`): resource variables (VarHandleOp/ReadVariableOp, as
  tf_keras 2.x makes them), Adam training ops, `keras_learning_phase`.
- `tf_chkpt.ckpt.index` / `.data-00000-of-00001` / `.meta` / `checkpoint`:
  `tf.compat.v1.train.Saver` tensor bundle of every global variable
  (weights, BN moving stats, Adam slots); `checkpoint` holds relative paths.
- `frozen_graph.pb`: TensorFlow's `freeze_graph` of the two above (output
  `{info['output']}`); still has the learning-phase Switch/Merge.
- `tf2_frozen_graph.pb`: `convert_variables_to_constants_v2` of a
  `tf.function` calling the reloaded model with `training=False`; output
  `Identity:0`.
- `saved_model/`: `model.save(..., save_format="tf")` in eager mode.
- `inputs.npy`: test images {indices.tolist()} (chosen with
  `numpy.random.default_rng({SEED})`), float32 `[{REFERENCE_BATCH},28,28,1]`.
- `expected.npy`, `expected_tf2.npy`: TensorFlow's outputs for the two frozen
  graphs (see `reference.txt`).

## Frozen graphs, checked with TensorFlow on all 10,000 test images

| graph | bytes | ops | predictions differing from Keras | accuracy |
|---|---|---|---|---|
{form_rows}
"""
    (OUT_DIR / "README.md").write_text(text)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--tf2-stage":
        stage_tf2_forms()
        return
    info = stage_train_and_freeze_v1()
    subprocess.run([sys.executable, __file__, "--tf2-stage"], check=True)
    stage_references(info)
    print(f"wrote {OUT_DIR} ({common.dir_size_bytes(OUT_DIR):,} bytes)")


if __name__ == "__main__":
    main()

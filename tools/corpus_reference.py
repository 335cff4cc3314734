"""TensorFlow reference outputs for the corpus of real frozen graphs.

For every frozen graph in ../shared/corpus/graphs/ (see its MANIFEST.md),
TensorFlow 2.21 runs the GraphDef in a tf.compat.v1.Session on seeded inputs
of the right dtype and shape, and this script writes

    tests/corpus/<name>/reference.txt         (models/README.md's format)
    tests/corpus/<name>/input_*.npy, expected_*.npy
    docs/corpus_tf_reference.md               (what ran, what did not, why)

The corpus files themselves are never copied: `graph` lines point at
../../../../shared/corpus/graphs/<file>, relative to tests/corpus/<name>/.

Run inside the project's venv (tools/setup_venv.sh):
    .venv/bin/python tools/corpus_reference.py [--corpus DIR] [NAME ...]

Not run in CI and not needed by Frost: its outputs are committed.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import sys
import traceback
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "models"))
import common  # noqa: E402

SEED = 20240611
OUT_ROOT = common.REPO_ROOT / "tests" / "corpus"
DOC_PATH = common.REPO_ROOT / "docs" / "corpus_tf_reference.md"
DEFAULT_CORPUS = next(
    (d for d in (common.REPO_ROOT.parent / "shared" / "corpus",
                 Path("/work/shared/corpus")) if d.is_dir()),
    common.REPO_ROOT.parent / "shared" / "corpus")
GRAPH_REF_PREFIX = "../../../../shared/corpus/graphs/"


@dataclasses.dataclass
class Feed:
    """How to make one input. `shape` replaces unknown dims; `values` is
    ("uniform", lo, hi) | ("normal", std) | ("int", lo, hi_exclusive) |
    ("levels", lo, hi) [8-bit steps between lo and hi, compresses well] |
    ("scalar", value) | ("wav",)."""

    tensor: str
    shape: tuple[int, ...]
    values: tuple
    note: str = ""


@dataclasses.dataclass
class GraphPlan:
    name: str
    feeds: list[Feed]
    fetches: list[str]
    note: str = ""
    frozen: bool = True


def plans() -> list[GraphPlan]:
    """One entry per .pb in the corpus. Shapes: the placeholder's own where
    known, a small batch (1 for large images, else 2) where not."""
    return [
        GraphPlan("opencv_face_detector_uint8",
                  [Feed("data:0", (1, 300, 300, 3), ("levels", -128.0, 128.0),
                        "no shape attr; NHWC 300x300 as OpenCV uses it (its "
                        "dilated convs' SpaceToBatchND rejects e.g. 150x150), "
                        "mean-subtracted pixel range")],
                  ["mbox_loc:0", "mbox_conf_flatten:0"],
                  "weights are quint8 Const + Dequantize(MIN_FIRST); some "
                  "ranges are [0, FLT_MIN] (e.g. data_bn/beta), whose scale "
                  "(max-min)/255 is denormal: TensorFlow flushes it to zero "
                  "and MIN_FIRST's min/scale becomes 0/0 = NaN, which then "
                  "spreads to every output"),
        GraphPlan("chaow94_mnist",
                  [Feed("Placeholder:0", (100, 784), ("uniform", 0.0, 1.0),
                        "batch fixed at 100 by the graph")],
                  ["softmax_linear/add:0"]),
        GraphPlan("har_srijannadas",
                  [Feed("x:0", (2, 100, 12), ("normal", 1.0))],
                  ["Identity:0"],
                  "the 22 unused_control_flow_input placeholders feed nothing "
                  "that Identity needs and are not fed"),
        GraphPlan("ultraface_frozen",
                  [Feed("input:0", (1, 3, 480, 640), ("levels", -1.0, 1.0),
                        "NCHW, (pixel-127)/128 range")],
                  ["scores:0", "boxes:0"]),
        GraphPlan("speech_commands_conv",
                  [Feed("wav_data:0", (), ("wav",),
                        "1 s 16 kHz mono 16-bit PCM WAV: 440 Hz tone + "
                        "seeded noise; given as the .wav file itself (its "
                        "bytes are the string scalar)")],
                  ["labels_softmax:0"]),
        GraphPlan("cae_mnist_autoencoder",
                  [Feed("x:0", (1, 784), ("uniform", 0.0, 1.0),
                        "batch 1: out_img reshapes to a fixed 784 values, "
                        "so TensorFlow fails on any larger batch")],
                  ["out_img:0"]),
        GraphPlan("captcha_cnn",
                  [Feed("input:0", (1, 128, 43, 3), ("uniform", 0.0, 1.0),
                        "[batch, width, 43, 3]; width 128 chosen")],
                  ["dense_decoded:0"]),
        GraphPlan("charrnn_lstm_receipts",
                  [Feed("input_data:0", (10, 10), ("int", 0, "vocab"),
                        "token ids below the embedding's row count")],
                  ["probs:0"]),
        GraphPlan("teachable_handwriting",
                  [Feed("x:0", (1, 224, 224, 3), ("levels", -1.0, 1.0))],
                  ["Identity:0"]),
        GraphPlan("yunus_logreg",
                  [Feed("Input:0", (1, 1, 28, 28), ("uniform", 0.0, 1.0))],
                  ["Sigmoid_0004:0"]),
        GraphPlan("sbd_yolo_inzapp",
                  [Feed("x:0", (1, 368, 640, 1), ("levels", 0.0, 1.0))],
                  ["Identity:0"]),
        GraphPlan("mobilenet_v1_025_128_quantized",
                  [Feed("input:0", (1, 128, 128, 3), ("levels", -1.0, 1.0))],
                  ["MobilenetV1/Predictions/Reshape_1:0"]),
        GraphPlan("dga_lstm",
                  [Feed("input_1:0", (2, 64), ("int", 0, "vocab"),
                        "character ids as float32, below the embedding's "
                        "row count"),
                   Feed("keras_learning_phase:0", (), ("scalar", False),
                        "bool, False = inference (also its default)")],
                  ["activation_1/Sigmoid:0"]),
        GraphPlan("surro_muscle",
                  [Feed("input_layer:0", (2, 5, 4), ("normal", 1.0))],
                  ["output_layer/BiasAdd:0"]),
        GraphPlan("tf2onnx_gru",
                  [Feed("X:0", (2, 28, 28), ("uniform", 0.0, 1.0),
                        "no shape attr; 28 steps of 28 features"),
                   Feed("keep_prob:0", (), ("scalar", 1.0),
                        "dropout off")],
                  ["output:0"]),
        GraphPlan("tf2onnx_regression",
                  [Feed("X:0", (2, 3), ("normal", 1.0),
                        "no shape attr; elementwise X*W+b")],
                  ["pred:0"]),
        GraphPlan("utensor_quant_mnist",
                  [Feed("x:0", (2, 784), ("uniform", 0.0, 1.0))],
                  ["y_pred:0"]),
        GraphPlan("volvo_nlu_tflearn",
                  [Feed("InputData/X:0", (2, 65), ("int", 0, 2),
                        "bag of words, 0/1 as float32")],
                  ["FullyConnected_2/Softmax:0"]),
        GraphPlan("neural_encryption",
                  [Feed("X_input:0", (2, 8), ("int", 0, 2),
                        "bits as float32; the placeholder's shape attr is "
                        "empty, which GraphDefs with producer < 21 mean as "
                        "unknown shape, so TensorFlow accepts [2,8]")],
                  ["Output:0"]),
        GraphPlan("finger_direction_graph",
                  [Feed("input_node:0", (2, 49), ("uniform", 0.0, 1.0))],
                  ["hypothesis:0"]),
        GraphPlan("signlang_tf_complete_model", [], [], frozen=False,
                  note="not frozen (VariableV2); its checkpoint data shard "
                  "is missing"),
        GraphPlan("finger_direction_input_graph", [], [], frozen=False,
                  note="not frozen (VariableV2); pairs with "
                  "finger_direction_input_graph_ckpt"),
        GraphPlan("volvo_nlu_graph_nonfrozen", [], [], frozen=False,
                  note="not frozen (VariableV2); pairs with "
                  "volvo_nlu_tflearn_ckpt"),
        GraphPlan("tf2onnx_regression_savedmodel.saved_model", [], [],
                  frozen=False, note="a SavedModel proto (with VariableV2 "
                  "and a variables/ bundle), not a GraphDef; same model as "
                  "tf2onnx_regression"),
    ]


# ---------------------------------------------------------------- inputs

def make_wav(rng: np.random.Generator) -> bytes:
    rate, seconds = 16000, 1.0
    t = np.arange(int(rate * seconds)) / rate
    signal = 0.3 * np.sin(2 * np.pi * 440.0 * t) + 0.05 * rng.standard_normal(t.size)
    pcm = np.clip(np.round(signal * 32767), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue()


def embedding_rows(graph_def) -> int:
    """Rows of the (first) Gather/GatherV2 params tensor: the vocab size."""
    from tensorflow.python.framework import tensor_util

    nodes = {n.name: n for n in graph_def.node}
    for node in graph_def.node:
        if node.op in ("Gather", "GatherV2"):
            source = nodes[node.input[0].split(":")[0]]
            while source.op == "Identity":
                source = nodes[source.input[0].split(":")[0]]
            if source.op == "Const":
                return int(tensor_util.MakeNdarray(source.attr["value"].tensor).shape[0])
    raise ValueError("no Gather with a constant table")


def placeholder_dtype(graph_def, tensor: str):
    import tensorflow as tf

    node_name = tensor.split(":")[0]
    for node in graph_def.node:
        if node.name == node_name:
            return tf.dtypes.as_dtype(node.attr["dtype"].type).as_numpy_dtype
    raise KeyError(f"no placeholder {node_name}")


def make_input(feed: Feed, graph_def, rng: np.random.Generator):
    kind = feed.values[0]
    dtype = placeholder_dtype(graph_def, feed.tensor)
    if kind == "wav":
        return np.array(make_wav(rng), dtype=object)
    if kind == "scalar":
        return np.array(feed.values[1], dtype=dtype)
    if kind == "uniform":
        values = rng.uniform(feed.values[1], feed.values[2], feed.shape)
    elif kind == "normal":
        values = rng.standard_normal(feed.shape) * feed.values[1]
    elif kind == "levels":
        lo, hi = feed.values[1], feed.values[2]
        values = lo + rng.integers(0, 256, feed.shape) * ((hi - lo) / 256.0)
    elif kind == "int":
        hi = embedding_rows(graph_def) if feed.values[2] == "vocab" else feed.values[2]
        values = rng.integers(feed.values[1], hi, feed.shape)
    else:
        raise ValueError(kind)
    return values.astype(dtype)


def to_npy_array(value: np.ndarray) -> np.ndarray:
    """Strings become fixed-width numpy bytes (|S<n>), readable without
    pickle; everything else keeps TensorFlow's dtype."""
    if value.dtype == object:
        items = [bytes(v) for v in value.reshape(-1)]
        width = max([len(v) for v in items] + [1])
        return np.array(items, dtype=f"S{width}").reshape(value.shape)
    return value


# ---------------------------------------------------------------- running

def describe_array(name: str, value: np.ndarray) -> str:
    if value.dtype == object or value.dtype.kind == "S":
        return f"`{name}` string {list(value.shape)}"
    return f"`{name}` {value.dtype.name} {list(value.shape)}"


def run_plan(plan: GraphPlan, corpus: Path) -> dict:
    """Runs one graph and writes its directory; returns a table row."""
    graph_file = corpus / "graphs" / f"{plan.name}.pb"
    row = {"name": plan.name, "file": graph_file.name, "inputs": "",
           "outputs": "", "ran": "no", "error": "", "note": plan.note}
    if not plan.frozen:
        row["ran"] = "skipped"
        row["error"] = "not a frozen graph"
        return row
    graph_def = common.load_graph_def(graph_file)

    rng = np.random.default_rng([SEED, sum(plan.name.encode())])
    feeds = {f.tensor: make_input(f, graph_def, rng) for f in plan.feeds}
    row["inputs"] = "; ".join(
        describe_array(f.tensor, feeds[f.tensor]) +
        (f" ({f.note})" if f.note else "") for f in plan.feeds)
    row["outputs"] = "; ".join(f"`{t}`" for t in plan.fetches)
    try:
        results = common.run_graph_def(graph_def, feeds, plan.fetches)
    except Exception as error:
        row["error"] = one_line_error(error)
        return row

    out_dir = OUT_ROOT / plan.name
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*"):
        old.unlink()
    nan_outputs = [t for t, v in zip(plan.fetches, results)
                   if v.dtype.kind == "f" and np.isnan(v).any()]
    if nan_outputs:
        # Nothing to compare against: store no reference for this graph.
        out_dir.rmdir()
        row["outputs"] = "; ".join(describe_array(t, v)
                                   for t, v in zip(plan.fetches, results))
        row["ran"] = "yes, but NaN"
        row["error"] = ("TensorFlow's outputs " + ", ".join(
            f"`{t}`" for t in nan_outputs) + " contain NaN; no reference stored")
        return row
    inputs, outputs = [], []
    for f in plan.feeds:
        file = common.tensor_file_name(f.tensor, "input")
        if f.values[0] == "wav":
            # A string scalar is given as the raw file whose bytes it holds.
            file = file.replace(".npy", ".wav")
            (out_dir / file).write_bytes(bytes(feeds[f.tensor].item()))
        else:
            common.save_npy(out_dir / file, to_npy_array(feeds[f.tensor]))
        inputs.append((f.tensor, file))
    for tensor, value in zip(plan.fetches, results):
        file = common.tensor_file_name(tensor, "expected")
        common.save_npy(out_dir / file, to_npy_array(value))
        outputs.append((tensor, file))
    row["outputs"] = "; ".join(describe_array(t, v)
                               for t, v in zip(plan.fetches, results))
    row["ran"] = "yes"
    comments = [f"corpus file: {graph_file.name}"]
    comments += [f"{f.tensor}: {f.note}" for f in plan.feeds if f.note]
    if plan.note:
        comments.append(plan.note)
    common.write_reference(out_dir, [common.Stanza(
        graph=GRAPH_REF_PREFIX + graph_file.name, inputs=inputs,
        outputs=outputs, comments=comments)], header=[
        f"TensorFlow 2.21 reference for corpus graph {graph_file.name}",
        "(tools/corpus_reference.py; inputs from numpy default_rng, seeded).",
        "The graph is read in place from ../shared/corpus (never copied).",
    ])
    return row


def one_line_error(error: Exception) -> str:
    lines = [l.strip() for l in str(error).splitlines() if l.strip()]
    noise = ("Graph execution error", "Detected at node", "Node:",
             "Original stack trace", "[[")
    useful = [l for l in lines if not l.startswith(noise)] or lines or [""]
    first = f"{type(error).__name__}: {useful[0]}"
    # TF errors repeat the node's full definition; keep the first sentence.
    return first[:300].replace("|", "\\|")


# ---------------------------------------------------------------- report

def write_doc(rows: list[dict]) -> None:
    ran = sum(r["ran"] == "yes" for r in rows)
    frozen = sum(r["ran"] != "skipped" for r in rows)
    table = "\n".join(
        f"| `{r['name']}` | {r['inputs'] or '-'} | {r['outputs'] or '-'} | "
        f"{r['ran']} | {r['error'] or '-'} | {r['note'] or '-'} |"
        for r in rows)
    text = f"""# TensorFlow reference outputs for the corpus

Made by `tools/corpus_reference.py` with TensorFlow 2.21 (CPU): each frozen
`.pb` in `../shared/corpus/graphs/` is imported with `tf.import_graph_def`
and run in a `tf.compat.v1.Session` (default optimiser settings) on seeded
inputs (`numpy.random.default_rng`). Where a graph ran, `tests/corpus/<name>/`
holds `reference.txt` (format in `models/README.md`; its `graph` line is
relative to that folder and points into `../shared/corpus/graphs/`, and a
comment gives the plain file name), the input `.npy` files and TensorFlow's
outputs as `expected_*.npy` in TensorFlow's dtype.

Unknown dimensions were given small values (batch 2, or 1 for large images);
a string scalar input is given as a raw file (`.wav`) whose bytes are the
string.

TensorFlow ran {ran} of the {frozen} frozen graphs to usable outputs.

| graph | inputs fed | outputs fetched | TF ran it | error | notes |
|---|---|---|---|---|---|
{table}
"""
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(
        os.environ.get("FROST_CORPUS", DEFAULT_CORPUS)))
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()

    all_plans = plans()
    known = {p.name for p in all_plans}
    missing = sorted(p.stem for p in (args.corpus / "graphs").glob("*.pb")
                     if p.stem not in known)
    if missing:
        sys.exit(f"corpus graphs without a plan: {missing}")
    selected = [p for p in all_plans if not args.names or p.name in args.names]
    rows = []
    for plan in selected:
        try:
            row = run_plan(plan, args.corpus)
        except Exception:
            traceback.print_exc()
            raise
        print(f"{row['name']}: ran={row['ran']} {row['error']}", flush=True)
        rows.append(row)
    if not args.names:
        write_doc(rows)


if __name__ == "__main__":
    main()

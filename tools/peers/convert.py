"""Converts a frozen graph for the peers that do not read it as is, caching
the result (or the converter's error) in the model's build/peers/ folder:

  onnx      model.onnx      tf2onnx.convert.from_graph_def, opset OPSET
  tflite    model.tflite    tf.compat.v1.lite.TFLiteConverter.from_frozen_graph,
                            built-in TFLite ops only (no Flex/TF ops: the
                            LiteRT wheel cannot run them), float32
  openvino  openvino.xml    openvino.convert_model on the frozen .pb itself
                            (its TensorFlow frontend); where that fails, on
                            model.onnx; weights kept float32 (no fp16 compression)

Every converter reads the same .pb, peer_graph.pb: the frozen graph with the
fed arrays' shapes set on its placeholders (the shapes Frost and TensorFlow
get at run time) and quint8 weights dequantized by TensorFlow (see
fold_constant_dequantize).

Run as a program, one conversion per process (a crashing converter takes
only its own process):  python tools/peers/convert.py FORMAT CACHE_DIR
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from peers.inputs import load_feeds  # noqa: E402
from peers.models import ModelSpec  # noqa: E402

OPSET = 17
TARGET = {"onnx": "model.onnx", "tflite": "model.tflite", "openvino": "openvino.xml"}


def op_name(tensor: str) -> str:
    return tensor.rsplit(":", 1)[0]


def peer_graph_def(spec: ModelSpec):
    """The GraphDef every converter reads: each fed Placeholder's shape attr
    set to its array's, and constant Dequantize nodes folded (below)."""
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(spec.graph.read_bytes())
    shapes = {op_name(t): a.shape for t, a in load_feeds(spec).items()}
    for node in graph_def.node:
        if node.op in ("Placeholder", "PlaceholderWithDefault") and node.name in shapes:
            proto = tf.TensorShape(shapes[node.name]).as_proto()
            node.attr["shape"].shape.CopyFrom(proto)
    return fold_constant_dequantize(graph_def)


def fold_constant_dequantize(graph_def):
    """Weights stored as quint8 Const + Dequantize (graph_transforms'
    quantize_weights) become the float32 constants TensorFlow computes from
    them, so that no peer is stopped by the storage format alone (no
    converter here takes quint8). The values are TensorFlow's own."""
    import tensorflow as tf

    consts = {n.name for n in graph_def.node if n.op == "Const"}
    targets = [n for n in graph_def.node
               if n.op == "Dequantize" and all(i.split(":")[0] in consts for i in n.input)]
    if not targets:
        return graph_def
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=graph) as session:
        values = session.run([n.name + ":0" for n in targets])
    for node, value in zip(targets, values):
        node.op = "Const"
        del node.input[:]
        node.attr.clear()
        node.attr["dtype"].type = tf.float32.as_datatype_enum
        node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(value))
    used = {i.split(":")[0].lstrip("^") for n in graph_def.node for i in n.input}
    keep = [n for n in graph_def.node if not (n.op == "Const" and n.name not in used
                                               and n.attr["dtype"].type != tf.float32.as_datatype_enum)]
    del graph_def.node[:]
    graph_def.node.extend(keep)
    return graph_def


def write_peer_graph(spec: ModelSpec, folder: Path) -> Path:
    path = folder / "peer_graph.pb"
    if not path.is_file():
        path.write_bytes(peer_graph_def(spec).SerializeToString())
    return path


def to_onnx(spec: ModelSpec, out: Path) -> str:
    import tf2onnx

    tf2onnx.convert.from_graph_def(peer_graph_def(spec), input_names=[t for t, _ in spec.inputs],
                                   output_names=[t for t, _ in spec.outputs], opset=OPSET,
                                   output_path=str(out))
    return f"tf2onnx {tf2onnx.__version__}, opset {OPSET}"


def to_tflite(spec: ModelSpec, out: Path) -> str:
    import tensorflow as tf

    feeds = load_feeds(spec)
    converter = tf.compat.v1.lite.TFLiteConverter.from_frozen_graph(
        str(write_peer_graph(spec, out.parent)), [op_name(t) for t, _ in spec.inputs],
        [op_name(t) for t, _ in spec.outputs], {op_name(t): list(a.shape) for t, a in feeds.items()})
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    out.write_bytes(converter.convert())
    return f"TFLiteConverter (TensorFlow {tf.__version__}), built-in ops"


def to_openvino(spec: ModelSpec, out: Path) -> str:
    import openvino as ov

    feeds = load_feeds(spec)
    try:
        # The TensorFlow frontend names inputs and outputs by tensor ("x:0").
        model = ov.convert_model(str(write_peer_graph(spec, out.parent)),
                                 input=[(t, list(a.shape)) for t, a in feeds.items()],
                                 output=[t for t, _ in spec.outputs])
        how = "convert_model on the frozen .pb"
    except Exception as e:  # the TensorFlow frontend declined: try the ONNX form
        onnx_path = out.parent / TARGET["onnx"]
        if not onnx_path.is_file():
            raise
        model = ov.convert_model(str(onnx_path))
        how = f"convert_model on model.onnx (the .pb frontend said: {first_line(e)})"
    ov.save_model(model, str(out), compress_to_fp16=False)
    return f"OpenVINO {ov.__version__.split('-')[0]}, {how}"


def first_line(e: BaseException) -> str:
    """One line saying why: from a converter's long report, the first line
    with "error:" in it (from there on), else the first line."""
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    errors = [ln[ln.find("error:"):] for ln in lines if "error:" in ln] + \
             [ln for ln in lines if "No conversion rule" in ln]  # OpenVINO's summary line
    text = errors[0] if errors else lines[0] if lines else type(e).__name__
    return text[:300]


def main() -> None:
    fmt, folder = sys.argv[1], Path(sys.argv[2])
    import json

    spec = ModelSpec.from_json(json.loads((folder / "spec.json").read_text()))
    out = folder / TARGET[fmt]
    try:
        how = {"onnx": to_onnx, "tflite": to_tflite, "openvino": to_openvino}[fmt](spec, out)
        (folder / f"{fmt}.how").write_text(how + "\n")
    except Exception as e:
        traceback.print_exc()
        (folder / f"{fmt}.error").write_text(first_line(e) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()

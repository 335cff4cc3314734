"""The Python peers, each loaded for one model and one thread count. An
engine is built once per worker process and then called many times with the
same feeds; `run` returns the outputs in the order of spec.outputs.

Threads, made honest per engine (the report repeats this):
  tf        ConfigProto intra_op_parallelism_threads=N, inter_op=1
  ort       SessionOptions intra_op_num_threads=N, inter_op_num_threads=1,
            sequential execution, all graph optimisations
  openvino  CPU plugin INFERENCE_NUM_THREADS=N, NUM_STREAMS=1, LATENCY hint,
            INFERENCE_PRECISION_HINT=f32 (no bf16 on this AVX-512 BF16 CPU),
            ENABLE_CPU_PINNING=False (see OpenVino)
  tflite    Interpreter(num_threads=N), default op resolver (XNNPACK delegate)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from peers.inputs import load_feeds
from peers.models import ModelSpec


class LoadError(Exception):
    """The engine cannot load or run this model; the message says why."""


def op_name(tensor: str) -> str:
    return tensor.rsplit(":", 1)[0]


def cached(folder: Path, fmt: str, file: str) -> Path:
    path = folder / file
    if not path.is_file():
        err = folder / f"{fmt}.error"
        raise LoadError(f"{fmt} conversion failed: " + (err.read_text().strip() if err.is_file() else "not converted"))
    return path


def match_outputs(names: list[str], spec: ModelSpec) -> list[int]:
    """Index of each spec output among an engine's output names (by tensor or
    op name); in order when the names say nothing."""
    order = []
    for tensor, _ in spec.outputs:
        hit = [i for i, n in enumerate(names) if tensor == n or op_name(tensor) in (n, op_name(n))]
        order.append(hit[0] if hit else -1)
    if -1 in order or len(set(order)) != len(order):
        if len(names) != len(spec.outputs):
            raise LoadError(f"outputs {names} do not match TensorFlow's {[t for t, _ in spec.outputs]}")
        return list(range(len(names)))
    return order


class TensorFlow:
    def __init__(self, spec: ModelSpec, threads: int, folder: Path):
        import tensorflow as tf

        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(spec.graph.read_bytes())
        graph = tf.Graph()
        with graph.as_default():
            tf.compat.v1.import_graph_def(graph_def, name="")
        config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1)
        self.session = tf.compat.v1.Session(graph=graph, config=config)
        self.feeds = load_feeds(spec)
        self.fetches = [t for t, _ in spec.outputs]
        self.detail = f"TensorFlow {tf.__version__}"

    def run(self):
        return self.session.run(self.fetches, feed_dict=self.feeds)


class OnnxRuntime:
    def __init__(self, spec: ModelSpec, threads: int, folder: Path):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(cached(folder, "onnx", "model.onnx")), options,
                                            providers=["CPUExecutionProvider"])
        feeds = load_feeds(spec)
        inputs = [i.name for i in self.session.get_inputs()]
        self.feeds = {n: feeds[n] if n in feeds else feeds[n + ":0"] for n in inputs}
        names = [o.name for o in self.session.get_outputs()]
        self.order = match_outputs(names, spec)
        self.detail = f"ONNX Runtime {ort.__version__}"

    def run(self):
        outs = self.session.run(None, self.feeds)
        return [outs[i] for i in self.order]


class OpenVino:
    def __init__(self, spec: ModelSpec, threads: int, folder: Path):
        import openvino as ov

        core = ov.Core()
        # Pinning off: on a machine shared with other work, OpenVINO's default
        # pinning keeps its threads on a busy core (resnet_small, 1 thread, load
        # 17: 3.0 ms pinned vs 0.48 ms not); no other engine here pins.
        config = {"INFERENCE_NUM_THREADS": threads, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY",
                  "INFERENCE_PRECISION_HINT": "f32", "ENABLE_CPU_PINNING": False}
        compiled = core.compile_model(str(cached(folder, "openvino", "openvino.xml")), "CPU", config)
        self.request = compiled.create_infer_request()
        feeds = load_feeds(spec)
        self.feeds = {}
        for port in compiled.inputs:
            names = port.get_names()
            match = [t for t in feeds if t in names or op_name(t) in names]
            if not match:
                raise LoadError(f"input {sorted(names)} is none of {list(feeds)}")
            self.feeds[port] = feeds[match[0]]
        self.order = match_outputs([sorted(p.get_names())[0] if p.get_names() else "" for p in compiled.outputs],
                                   spec) if len(compiled.outputs) > 1 else [0]
        self.outputs = compiled.outputs
        # Read back what the plugin took, so the report shows it, not what was asked.
        self.detail = (f"OpenVINO {ov.__version__.split('-')[0]} (CPU plugin: "
                       f"{compiled.get_property('INFERENCE_NUM_THREADS')} threads, "
                       f"{compiled.get_property('INFERENCE_PRECISION_HINT')})")

    def run(self):
        result = self.request.infer(self.feeds, share_inputs=True)
        return [result[self.outputs[i]] for i in self.order]


class TfLite:
    def __init__(self, spec: ModelSpec, threads: int, folder: Path):
        from ai_edge_litert.interpreter import Interpreter

        self.interpreter = Interpreter(model_path=str(cached(folder, "tflite", "model.tflite")), num_threads=threads)
        self.interpreter.allocate_tensors()
        feeds = load_feeds(spec)
        self.feeds = []
        for detail in self.interpreter.get_input_details():
            match = [t for t in feeds if detail["name"] in (t, op_name(t))]
            if not match:
                raise LoadError(f"input {detail['name']} is none of {list(feeds)}")
            self.feeds.append((detail["index"], feeds[match[0]].astype(detail["dtype"])))
        details = self.interpreter.get_output_details()
        self.outputs = [details[i]["index"] for i in match_outputs([d["name"] for d in details], spec)]
        import ai_edge_litert

        self.detail = f"LiteRT {getattr(ai_edge_litert, '__version__', '')} (XNNPACK)"

    def run(self):
        for index, value in self.feeds:
            self.interpreter.set_tensor(index, value)
        self.interpreter.invoke()
        return [self.interpreter.get_tensor(i) for i in self.outputs]


ENGINES = {"tf": TensorFlow, "ort": OnnxRuntime, "openvino": OpenVino, "tflite": TfLite}

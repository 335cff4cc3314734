"""Shared helpers for Frost's reference-model generators (tools/models/*.py).

Nothing here is needed to build, run or test Frost: the generators are run by
hand inside the project's .venv (tools/setup_venv.sh) and their outputs are
committed. Every generator is deterministic: fixed seeds for numpy, Python,
TensorFlow and Keras, and TensorFlow's op determinism switched on.

The reference-file convention (documented in models/README.md) is written by
`write_reference`: a `graph` line starts a stanza, the `input`/`output` lines
below it belong to that graph, `#` starts a comment.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import random
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = REPO_ROOT / "models"

# Quiet TensorFlow's C++ start-up chatter; errors still show.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def set_all_seeds(seed: int) -> None:
    """Seeds Python, numpy and TensorFlow, and asks TF for deterministic ops."""
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    tf.compat.v1.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def enter_tf1_graph_mode() -> None:
    """TF1 behaviour as keras2tf had it: graph mode, ref variables (VariableV2),
    v1 control flow (Switch/Merge/Enter/Exit/NextIteration). Must run before
    tf_keras is imported so that it picks its v1 layer classes."""
    import tensorflow as tf

    tf.compat.v1.disable_v2_behavior()
    tf.compat.v1.disable_control_flow_v2()


@dataclasses.dataclass
class Stanza:
    """One `graph` entry of reference.txt and its input/output lines."""

    graph: str                       # file relative to the model dir
    inputs: list[tuple[str, str]]    # (tensor name, npy file)
    outputs: list[tuple[str, str]]   # (tensor name, npy file)
    comments: list[str] = dataclasses.field(default_factory=list)


def write_reference(model_dir: Path, stanzas: list[Stanza],
                    header: list[str] | None = None) -> None:
    lines = []
    for comment in header or []:
        lines.append(f"# {comment}".rstrip())
    for stanza in stanzas:
        if lines:
            lines.append("")
        for comment in stanza.comments:
            lines.append(f"# {comment}".rstrip())
        lines.append(f"graph {stanza.graph}")
        for name, path in stanza.inputs:
            lines.append(f"input {name} {path}")
        for name, path in stanza.outputs:
            lines.append(f"output {name} {path}")
    (model_dir / "reference.txt").write_text("\n".join(lines) + "\n")


def save_npy(path: Path, array: np.ndarray) -> None:
    """Writes a little-endian, C-ordered .npy (the layout Frost reads)."""
    array = np.ascontiguousarray(array)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    np.save(path, array, allow_pickle=False)


def load_graph_def(path: Path):
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(Path(path).read_bytes())
    return graph_def


def write_graph_def(graph_def, path: Path) -> None:
    # deterministic=True sorts map fields (attr), so re-running a generator
    # gives byte-identical files.
    Path(path).write_bytes(graph_def.SerializeToString(deterministic=True))


def run_graph_def(graph_def, feeds: dict[str, np.ndarray],
                  fetches: list[str]) -> list[np.ndarray]:
    """Runs `graph_def` exactly as stored, in a fresh graph and a
    tf.compat.v1.Session (TensorFlow's default optimiser settings)."""
    import tensorflow as tf

    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=graph) as session:
        results = session.run(fetches, feed_dict=feeds)
    return [np.asarray(r) for r in results]


def op_histogram(graph_def) -> collections.Counter:
    counts = collections.Counter(node.op for node in graph_def.node)
    for function in graph_def.library.function:
        counts.update(node.op for node in function.node_def)
    return counts


def describe_graph(graph_def) -> str:
    """`N nodes: Op×k, ...` for READMEs (ops sorted by count)."""
    counts = op_histogram(graph_def)
    ops = ", ".join(f"{op}×{n}" for op, n in
                    sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{sum(counts.values())} nodes: {ops}"


def dir_size_bytes(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def assert_frozen(graph_def) -> None:
    variable_ops = {"VariableV2", "Variable", "VarHandleOp", "ReadVariableOp"}
    found = {n.op for n in graph_def.node} & variable_ops
    if found:
        sys.exit(f"graph is not frozen: still has {sorted(found)}")


def tensor_file_name(tensor_name: str, prefix: str) -> str:
    """`prefix_<tensor name with / and : made file-safe>.npy`."""
    safe = tensor_name.replace("/", "_").replace(":", "_")
    return f"{prefix}_{safe}.npy"
